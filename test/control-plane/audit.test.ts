import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { API, call, createKey, createProject, createTenant, operator } from "../support/control-plane";

interface Entry {
  action: string;
  seq: number;
  target: string;
  actor: { id: string; role: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const audit = (token: string, query = "") => call("GET", `${API}/v1/audit${query}`, { token });

describe("audit writes from control-plane changes", () => {
  it("records every change with actor, action, target, before and after — and never a secret", async () => {
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, { rpm_limit: 50 });
    const key = await createKey(tenant.admin, project.id);
    const rotated = await call("POST", `${API}/v1/projects/${project.id}/keys/${key.id}/rotate`, {
      token: tenant.admin,
    });
    expect(rotated.status).toBe(201);
    await call("DELETE", `${API}/v1/projects/${project.id}/keys/${rotated.json.id}`, { token: tenant.admin });
    await call("PATCH", `${API}/v1/projects/${project.id}/settings`, { token: tenant.admin, body: { rpm_limit: 70 } });
    await call("PUT", `${API}/auth/v1/projects/${project.id}/settings/model`, {
      token: tenant.admin,
      body: { model: "mock/echo" },
    });
    await call("PUT", `${API}/v1/projects/${project.id}/tiers/premium`, {
      token: tenant.admin,
      body: { overrides: { rpm_limit: 500 } },
    });
    await call("DELETE", `${API}/v1/projects/${project.id}/tiers/premium`, { token: tenant.admin });
    await call("POST", `${API}/v1/projects/${project.id}/suspend`, { token: tenant.admin });
    await call("POST", `${API}/v1/projects/${project.id}/resume`, { token: tenant.admin });
    await call("PATCH", `${API}/v1/tenants/${tenant.id}`, { token: operator(), body: { plan: "business" } });

    const res = await audit(tenant.admin, "?limit=100");
    expect(res.status).toBe(200);
    const entries: Entry[] = [...res.json.data].reverse(); // oldest first
    expect(entries.map((e) => e.action)).toEqual([
      "tenant.create",
      "project.create",
      "api_key.create",
      "api_key.rotate",
      "api_key.revoke",
      "project.settings.update",
      "project.model.select",
      "tier.put",
      "tier.delete",
      "project.suspend",
      "project.resume",
      "tenant.update",
    ]);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    const byAction: Record<string, Entry> = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction["tenant.create"]!.actor).toEqual({ id: "operator", role: "operator" });
    expect(byAction["project.create"]!.actor).toEqual({ id: expect.stringMatching(/^adm_/), role: "tenant_admin" });
    expect(byAction["project.settings.update"]).toMatchObject({
      target: `project:${project.id}/settings:project`,
      before: expect.objectContaining({ rpm_limit: 50 }),
      after: expect.objectContaining({ rpm_limit: 70 }),
    });
    expect(byAction["project.model.select"]).toMatchObject({ after: { provider_model: "mock/echo" } });
    expect(byAction["api_key.rotate"]).toMatchObject({
      target: `project:${project.id}/api_key:${key.id}`,
      before: { id: key.id, revoked_at: null },
      after: { successor: { id: rotated.json.id }, revoked: { id: key.id, replaced_by: rotated.json.id } },
    });
    expect(byAction["tier.put"]).toMatchObject({
      before: null,
      after: { name: "premium", overrides: { rpm_limit: 500 } },
    });
    expect(byAction["tenant.update"]).toMatchObject({ before: { plan: "pro" }, after: { plan: "business" } });
    expect(byAction["api_key.revoke"]!.after!.revoked_at).toEqual(expect.any(String));

    // Secrets: neither the key plaintext of either key, nor the admin credential, nor any hash.
    for (const secret of [key.key, rotated.json.key, tenant.admin, "$argon2id"]) expect(res.text).not.toContain(secret);
    for (const entry of entries)
      expect(JSON.stringify([entry.before, entry.after])).not.toMatch(
        /"(key|hash|lookup_index|admin_credential|ciphertext)":/,
      );
  });

  it("records BYOK put and delete with the fingerprint only, never the key or its ciphertext", async () => {
    const tenant = await createTenant("pro");
    const apiKey = "sk-test-0123456789abcdef0123456789";
    // The provider's key check is answered here: the audit is under test, not the validation.
    const realFetch = globalThis.fetch;
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async (input, init) =>
        String(input instanceof Request ? input.url : input).startsWith("https://byok.test/")
          ? Response.json({ object: "list", data: [] })
          : realFetch(input, init),
      );
    try {
      const put = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
        token: tenant.admin,
        body: { api_key: apiKey, base_url: "https://byok.test/v1" },
      });
      expect(put.status, put.text).toBe(200);
      expect(
        (await call("DELETE", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, { token: tenant.admin })).status,
      ).toBe(200);
      const res = await audit(tenant.admin);
      const [deleted, stored] = res.json.data;
      expect(stored).toMatchObject({
        action: "byok.put",
        target: `tenant:${tenant.id}/provider:openai@tenant`,
        before: null,
        after: { fingerprint: put.json.fingerprint, provider: "openai" },
      });
      expect(deleted).toMatchObject({
        action: "byok.delete",
        before: { fingerprint: put.json.fingerprint },
        after: null,
      });
      const rows = await env.DB.prepare("SELECT before, after FROM audit_log WHERE tenant_id = ?")
        .bind(tenant.id)
        .all();
      const storedText = JSON.stringify(rows.results);
      expect(storedText).not.toContain(apiKey);
      expect(storedText).not.toContain("ciphertext");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("GET /v1/audit", () => {
  it("confines a tenant admin to its own tenant; the operator names any tenant", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await createProject(a.admin);
    const own = await audit(a.admin);
    expect(own.json.data.every((e: { tenant_id: string }) => e.tenant_id === a.id)).toBe(true);
    expect((await audit(b.admin)).json.data.map((e: { action: string }) => e.action)).toEqual(["tenant.create"]);
    const foreign = await audit(b.admin, `?tenant_id=${a.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe("not_found");
    const asOperator = await audit(operator(), `?tenant_id=${a.id}`);
    expect(asOperator.json.data.map((e: { action: string }) => e.action)).toEqual(["project.create", "tenant.create"]);
  });

  it("filters by action, actor, project and time", async () => {
    const tenant = await createTenant();
    const p1 = await createProject(tenant.admin);
    const p2 = await createProject(tenant.admin);
    await createKey(tenant.admin, p1.id);
    await createKey(tenant.admin, p2.id);
    const ids = (query: string) =>
      audit(tenant.admin, query).then((r) =>
        r.json.data.map((e: { action: string; target: string }) => `${e.action} ${e.target}`),
      );

    expect(await ids(`?project_id=${p1.id}`)).toEqual([
      expect.stringMatching(new RegExp(`^api_key.create project:${p1.id}/api_key:`)),
      `project.create project:${p1.id}`,
    ]);
    expect(await ids("?action=project.create")).toHaveLength(2);
    expect(await ids("?actor=operator")).toEqual([`tenant.create tenant:${tenant.id}`]);
    expect(await ids(`?target=project:${p2.id}`)).toEqual([`project.create project:${p2.id}`]);
    expect(await ids(`?to=2000-01-01T00:00:00Z`)).toEqual([]);
    expect(await ids(`?from=${new Date(Date.now() - 60_000).toISOString()}`)).toHaveLength(5);
    expect(await ids("?limit=2&offset=1")).toHaveLength(2);
  });

  it.each([
    ["?from=yesterday", "from"],
    ["?limit=0", "limit"],
    ["?limit=5000", "limit"],
    ["?unknown=1", "unknown"],
    ["?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from"],
  ])("refuses %s with 400 naming %s", async (query, param) => {
    const tenant = await createTenant();
    const res = await audit(tenant.admin, query);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", param });
  });

  it("needs a credential", async () => {
    expect((await call("GET", `${API}/v1/audit`)).status).toBe(401);
  });
});
