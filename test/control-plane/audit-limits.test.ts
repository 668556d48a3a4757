import { describe, expect, it } from "vitest";
import { API, call, createProject, createTenant, operator } from "../support/control-plane";

const audit = (token: string, query = "") => call("GET", `${API}/v1/audit${query}`, { token });

describe("audit of kill switches and budgets", () => {
  it("records project and tenant kill switches in the tenant's chain with before and after", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: true },
    });
    await call("POST", `${API}/v1/admin/killswitch/tenant/${tenant.id}`, {
      token: tenant.admin,
      body: { enabled: true },
    });
    await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: false },
    });
    const entries = (await audit(tenant.admin, "?action=killswitch.set")).json.data.reverse();
    expect(
      entries.map((e: { target: string; before: unknown; after: unknown }) => [e.target, e.before, e.after]),
    ).toEqual([
      [`project:${project.id}/killswitch:project`, { enabled: false }, { enabled: true }],
      [`tenant:${tenant.id}/killswitch:tenant`, { enabled: false }, { enabled: true }],
      [`project:${project.id}/killswitch:project`, { enabled: true }, { enabled: false }],
    ]);
    await call("POST", `${API}/v1/admin/killswitch/tenant/${tenant.id}`, {
      token: tenant.admin,
      body: { enabled: false },
    });
  });

  it("records the global kill switch in the `_global` chain, which verifies", async () => {
    const on = await call("POST", `${API}/v1/admin/killswitch/global`, { token: operator(), body: { enabled: true } });
    expect(on.status).toBe(200);
    await call("POST", `${API}/v1/admin/killswitch/global`, { token: operator(), body: { enabled: false } });
    const entries = (await audit(operator(), "?tenant_id=_global&limit=2")).json.data;
    expect(
      entries.map((e: { action: string; actor: unknown; after: unknown }) => [e.action, e.actor, e.after]),
    ).toEqual([
      ["killswitch.set", { id: "operator", role: "operator" }, { enabled: false }],
      ["killswitch.set", { id: "operator", role: "operator" }, { enabled: true }],
    ]);
    const verified = await call("GET", `${API}/v1/audit/verify?tenant_id=_global`, { token: operator() });
    expect(verified.json).toMatchObject({ ok: true, first_bad: null });
    // A tenant admin cannot read the global chain.
    const tenant = await createTenant();
    expect((await audit(tenant.admin, "?tenant_id=_global")).status).toBe(404);
  });

  it("records budget create, update, delete and alert settings, keeping only the webhook's origin", async () => {
    const tenant = await createTenant();
    const created = await call("POST", `${API}/v1/budgets`, {
      token: tenant.admin,
      body: { scope: "tenant", period: "month", limit_usd: 100 },
    });
    expect(created.status).toBe(201);
    await call("PATCH", `${API}/v1/budgets/${created.json.id}`, { token: tenant.admin, body: { limit_usd: 250 } });
    await call("DELETE", `${API}/v1/budgets/${created.json.id}`, { token: tenant.admin });
    const hook = "https://hooks.example.com/services/T000/B000/XXXXsecretXXXX";
    const alerts = await call("PUT", `${API}/v1/tenants/${tenant.id}/budget-alerts`, {
      token: tenant.admin,
      body: { webhook_url: hook, thresholds: [50, 90] },
    });
    expect(alerts.status).toBe(200);

    const res = await audit(tenant.admin);
    const entries = res.json.data.reverse().slice(1); // after tenant.create
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      "budget.create",
      "budget.update",
      "budget.delete",
      "budget_alerts.update",
    ]);
    expect(entries[1]).toMatchObject({ before: { limit_usd: "100.000000" }, after: { limit_usd: "250.000000" } });
    expect(entries[3]).toMatchObject({
      before: { webhook_origin: null },
      after: { webhook_origin: "https://hooks.example.com", thresholds: [50, 90] },
    });
    expect(res.text).not.toContain("XXXXsecretXXXX");
  });
});
