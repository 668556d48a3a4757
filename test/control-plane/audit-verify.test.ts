import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API, call, createKey, createProject, createTenant, operator } from "../support/control-plane";

const verify = (token: string, query = "") => call("GET", `${API}/v1/audit/verify${query}`, { token });

/** A tenant with four entries: tenant.create, project.create, two api_key.create. */
async function tenantWithHistory() {
  const tenant = await createTenant();
  const project = await createProject(tenant.admin);
  await createKey(tenant.admin, project.id);
  await createKey(tenant.admin, project.id);
  const rows = await env.DB.prepare("SELECT id, seq FROM audit_log WHERE tenant_id = ? ORDER BY seq")
    .bind(tenant.id)
    .all<{ id: string; seq: number }>();
  return { tenant, project, rows: rows.results };
}

describe("GET /v1/audit/verify", () => {
  it("reports an intact chain with its entry count and head hash", async () => {
    const { tenant, rows } = await tenantWithHistory();
    const res = await verify(tenant.admin);
    expect(res.status).toBe(200);
    const head = await env.DB.prepare("SELECT hash FROM audit_log WHERE id = ?")
      .bind(rows.at(-1)!.id)
      .first<{ hash: string }>();
    expect(res.json).toEqual({ tenant_id: tenant.id, ok: true, entries: 4, head_hash: head!.hash, first_bad: null });
  });

  it("names a row altered directly in the database", async () => {
    const { tenant, rows } = await tenantWithHistory();
    const victim = rows[2]!;
    await env.DB.prepare(`UPDATE audit_log SET after = '{"role":"admin"}' WHERE id = ?`).bind(victim.id).run();
    const res = await verify(tenant.admin);
    expect(res.json).toMatchObject({
      ok: false,
      entries: 2,
      first_bad: { seq: 3, id: victim.id, reason: "hash_mismatch" },
    });
  });

  it("names the entry after a deleted row (a gap in seq)", async () => {
    const { tenant, rows } = await tenantWithHistory();
    await env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(rows[1]!.id).run();
    const res = await verify(tenant.admin);
    expect(res.json).toMatchObject({
      ok: false,
      entries: 1,
      first_bad: { seq: 3, id: rows[2]!.id, reason: "seq_gap" },
    });
  });

  it("names a row whose actor was rewritten together with a recomputed-looking hash", async () => {
    const { tenant, rows } = await tenantWithHistory();
    // The forger rewrites row 2 and copies row 3's hash into it: row 2 no longer hashes to its stored value.
    await env.DB.prepare(
      "UPDATE audit_log SET actor_id = 'operator', hash = (SELECT hash FROM audit_log WHERE id = ?) WHERE id = ?",
    )
      .bind(rows[2]!.id, rows[1]!.id)
      .run();
    const res = await verify(tenant.admin);
    expect(res.json.first_bad).toEqual({ seq: 2, id: rows[1]!.id, reason: "hash_mismatch" });
  });

  it("keeps tenants apart: tampering with one chain leaves another ok", async () => {
    const a = await tenantWithHistory();
    const b = await tenantWithHistory();
    await env.DB.prepare("UPDATE audit_log SET target = 'x' WHERE id = ?").bind(a.rows[0]!.id).run();
    expect((await verify(a.tenant.admin)).json.ok).toBe(false);
    expect((await verify(b.tenant.admin)).json.ok).toBe(true);
  });

  it("lets the operator verify any chain by tenant_id, and requires it", async () => {
    const { tenant } = await tenantWithHistory();
    expect((await verify(operator(), `?tenant_id=${tenant.id}`)).json).toMatchObject({
      tenant_id: tenant.id,
      ok: true,
      entries: 4,
    });
    const missing = await verify(operator());
    expect(missing.status).toBe(400);
    expect(missing.json.error.param).toBe("tenant_id");
    expect((await verify(operator(), "?tenant_id=ten_nobody")).json).toEqual({
      tenant_id: "ten_nobody",
      ok: true,
      entries: 0,
      head_hash: null,
      first_bad: null,
    });
  });

  it("refuses a tenant admin asking about another tenant with 404", async () => {
    const a = await tenantWithHistory();
    const b = await createTenant();
    const res = await verify(b.admin, `?tenant_id=${a.tenant.id}`);
    expect(res.status).toBe(404);
  });
});
