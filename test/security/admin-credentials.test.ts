import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API, call, createTenant, operator } from "../support/control-plane";

// Attack (issue #16 item 5): a tenant admin credential could be neither rotated nor revoked, so a leaked one
// stayed valid forever; and nothing may let another tenant's admin touch yours.
const base = (tenantId: string) => `${API}/v1/tenants/${tenantId}/admin-credentials`;

async function credentials(tenantId: string, token: string) {
  const res = await call("GET", base(tenantId), { token });
  expect(res.status).toBe(200);
  return res.json.data as { id: string; prefix: string; revoked_at: string | null; current: boolean }[];
}

async function ownId(tenantId: string, token: string): Promise<string> {
  const own = (await credentials(tenantId, token)).find((row) => row.current);
  if (!own) throw new Error("the caller's credential is not listed");
  return own.id;
}

/** Any authenticated read: the next call after a rotation or revocation. */
const whoAmI = (token: string) => call("GET", `${API}/v1/tenants`, { token });

async function auditRows(tenantId: string) {
  const rows = await env.DB.prepare(
    "SELECT action, target, before, after FROM audit_log WHERE tenant_id = ? ORDER BY seq",
  )
    .bind(tenantId)
    .all<{ action: string; target: string; before: string | null; after: string | null }>();
  return rows.results;
}

describe("tenant admin credentials rotate and revoke", () => {
  it("a rotated-away secret is refused on the very next call; the successor works and is shown once", async () => {
    const tenant = await createTenant();
    const oldId = await ownId(tenant.id, tenant.admin);
    const rotated = await call("POST", `${base(tenant.id)}/${oldId}/rotate`, { token: tenant.admin });
    expect(rotated.status).toBe(201);
    const successor = rotated.json.admin_credential as string;
    expect(successor).toMatch(/^tg_admin_[0-9a-f]{32}$/);

    const stale = await whoAmI(tenant.admin);
    expect(stale.status).toBe(401);
    expect(stale.json.error.code).toBe("invalid_api_key");
    expect((await whoAmI(successor)).status).toBe(200);
    // Rotating again with the old secret, or rotating the revoked id, changes nothing.
    expect((await call("POST", `${base(tenant.id)}/${oldId}/rotate`, { token: tenant.admin })).status).toBe(401);
    const again = await call("POST", `${base(tenant.id)}/${oldId}/rotate`, { token: successor });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict");

    const listed = await credentials(tenant.id, successor);
    expect(listed.map((row) => [row.id === oldId, row.revoked_at !== null, row.current])).toEqual([
      [true, true, false],
      [false, false, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain(successor);

    const rotation = (await auditRows(tenant.id)).filter((row) => row.action === "admin_credential.rotate");
    expect(rotation).toHaveLength(1);
    expect(rotation[0]?.target).toBe(`tenant:${tenant.id}/admin_credential:${oldId}`);
    const audited = JSON.stringify(rotation);
    expect(audited).not.toContain(successor);
    expect(audited).not.toContain(tenant.admin);
    const verify = await call("GET", `${API}/v1/audit/verify`, { token: successor });
    expect(verify.json.ok).toBe(true);
  });

  it("a revoked credential is refused on the next call; the last live one cannot be revoked by its tenant", async () => {
    const tenant = await createTenant();
    const firstId = await ownId(tenant.id, tenant.admin);
    const lastOne = await call("DELETE", `${base(tenant.id)}/${firstId}`, { token: tenant.admin });
    expect(lastOne.status).toBe(409);
    expect((await whoAmI(tenant.admin)).status).toBe(200);

    const second = await call("POST", base(tenant.id), { token: tenant.admin });
    expect(second.status).toBe(201);
    const secondSecret = second.json.admin_credential as string;
    const revoked = await call("DELETE", `${base(tenant.id)}/${firstId}`, { token: secondSecret });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked_at).not.toBeNull();

    const refused = await whoAmI(tenant.admin);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("invalid_api_key");
    expect((await whoAmI(secondSecret)).status).toBe(200);
    // Idempotent, and recorded once.
    expect((await call("DELETE", `${base(tenant.id)}/${firstId}`, { token: secondSecret })).status).toBe(200);
    const actions = (await auditRows(tenant.id)).map((row) => row.action);
    expect(actions.filter((action) => action === "admin_credential.create")).toHaveLength(1);
    expect(actions.filter((action) => action === "admin_credential.revoke")).toHaveLength(1);
    expect(JSON.stringify(await auditRows(tenant.id))).not.toContain(secondSecret);
  });

  it("another tenant's admin can neither list, rotate, revoke nor add to yours", async () => {
    const [victim, attacker] = await Promise.all([createTenant(), createTenant()]);
    const victimId = await ownId(victim.id, victim.admin);
    const attempts = [
      call("GET", base(victim.id), { token: attacker.admin }),
      call("POST", base(victim.id), { token: attacker.admin }),
      call("POST", `${base(victim.id)}/${victimId}/rotate`, { token: attacker.admin }),
      call("DELETE", `${base(victim.id)}/${victimId}`, { token: attacker.admin }),
      // The victim's credential id under the attacker's own tenant: not theirs either.
      call("POST", `${base(attacker.id)}/${victimId}/rotate`, { token: attacker.admin }),
      call("DELETE", `${base(attacker.id)}/${victimId}`, { token: attacker.admin }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await whoAmI(victim.admin)).status).toBe(200);
    expect((await credentials(victim.id, victim.admin)).map((row) => row.revoked_at)).toEqual([null]);
    expect((await auditRows(victim.id)).map((row) => row.action)).toEqual(["tenant.create"]);
  });

  it("concurrent rotations of one credential issue exactly one successor", async () => {
    const tenant = await createTenant();
    const oldId = await ownId(tenant.id, tenant.admin);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call("POST", `${base(tenant.id)}/${oldId}/rotate`, { token: tenant.admin })),
    );
    const winners = results.filter((res) => res.status === 201);
    expect(winners).toHaveLength(1);
    // The losers: the old credential was already revoked, either when they authenticated or when they rotated.
    for (const res of results.filter((r) => r.status !== 201)) expect([401, 409]).toContain(res.status);
    const successor = winners[0]?.json.admin_credential as string;
    const live = (await credentials(tenant.id, successor)).filter((row) => row.revoked_at === null);
    expect(live).toHaveLength(1);
  });

  it("the operator can revoke a tenant's last credential and issue it a new one", async () => {
    const tenant = await createTenant();
    const id = await ownId(tenant.id, tenant.admin);
    expect((await call("DELETE", `${base(tenant.id)}/${id}`, { token: operator() })).status).toBe(200);
    expect((await whoAmI(tenant.admin)).status).toBe(401);
    const issued = await call("POST", base(tenant.id), { token: operator() });
    expect(issued.status).toBe(201);
    expect((await whoAmI(issued.json.admin_credential as string)).status).toBe(200);
  });
});
