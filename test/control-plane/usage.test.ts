import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { projectGate } from "../../src/limits/gate-client";
import { loadGateSnapshot } from "../../src/limits/gate-snapshot";
import { admitInput, settleInput } from "../durable-objects/gate-fixture";
import { seedProject, seedTenant, testApp, uid } from "../limits/control-fixture";

const tenant = uid("ten");
const other = uid("ten");
const [pA, pB, pOther] = [uid("prj"), uid("prj"), uid("prj")];
const today = new Date().toISOString().slice(0, 10);

/** Drives real traffic through the gates (concurrently, with aborts and failures), then flushes to D1. */
async function traffic(projectId: string, n: number) {
  const gate = projectGate(env, projectId);
  const snapshot = await loadGateSnapshot(database(env), projectId);
  if (!snapshot) throw new Error("missing project");
  await gate.configure({ ...snapshot, settings: { ...snapshot.settings, rpm_limit: 10_000 } });
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const d = await gate.admit(admitInput({ userId: `user${i % 3}`, model: i % 2 ? "openai/gpt-4o" : null }));
      if (!d.ok) throw new Error(d.reason);
      const status = (["ok", "aborted", "provider_error"] as const)[i % 3];
      const failed = status === "provider_error";
      await gate.settle(
        settleInput(d.reservation.requestId, {
          status,
          model: i % 2 ? "openai/gpt-4o" : "mock/tollgate-mock",
          promptTokens: failed ? 0 : 7,
          completionTokens: failed ? 0 : i,
          costMicroUsd: failed ? 0 : 1_000 + i,
          sessionId: `s${i % 2}`,
        }),
      );
    }),
  );
  await gate.flushLedger();
}

async function rowSums(where: string, ...binds: string[]) {
  return env.DB.prepare(
    `SELECT count(*) AS requests, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion, sum(cost_micro_usd) AS cost FROM usage_ledger WHERE ${where}`,
  )
    .bind(...binds)
    .first<{ requests: number; prompt: number; completion: number; cost: number }>();
}

beforeAll(async () => {
  await seedTenant(tenant);
  await seedTenant(other);
  await seedProject(tenant, pA, "eng");
  await seedProject(tenant, pB, "sales");
  await seedProject(other, pOther, "eng");
  await Promise.all([traffic(pA, 24), traffic(pB, 12), traffic(pOther, 6)]);
});

describe("GET /v1/usage", () => {
  it("the FinOps sums equal the sums of the ledger rows, per group and in total", async () => {
    const res = await testApp().request(`/v1/usage?group_by=project&from=${today}&to=${today}`, { as: tenant });
    expect(res.status).toBe(200);
    const body = await res.json<{ data: Record<string, unknown>[]; total: Record<string, number> }>();
    for (const project of [pA, pB]) {
      const expected = await rowSums(`project_id = ?`, project);
      expect(body.data.find((g) => g.project === project)).toMatchObject({
        requests: expected?.requests,
        prompt_tokens: expected?.prompt,
        completion_tokens: expected?.completion,
        cost_micro_usd: expected?.cost,
      });
    }
    const all = await rowSums(`tenant_id = ?`, tenant);
    expect(body.total).toMatchObject({ requests: 36, cost_micro_usd: all?.cost });
    expect(body.data.map((g) => g.project)).not.toContain(pOther); // scoped to the caller's tenant
  });

  it.each(["tenant", "cost_center", "user", "session", "model"])(
    "groups by %s with sums that add up to the total",
    async (groupBy) => {
      const res = await testApp().request(`/v1/usage?group_by=${groupBy}`, { as: tenant });
      const body = await res.json<{
        data: { requests: number; cost_micro_usd: number }[];
        total: { requests: number; cost_micro_usd: number };
      }>();
      expect(body.data.reduce((a, g) => a + g.requests, 0)).toBe(body.total.requests);
      expect(body.data.reduce((a, g) => a + g.cost_micro_usd, 0)).toBe(body.total.cost_micro_usd);
    },
  );

  it("the operator sees every tenant and can filter by one", async () => {
    const res = await testApp().request(`/v1/usage?group_by=tenant&tenant_id=${other}`);
    const body = await res.json<{ data: { tenant: string; requests: number }[] }>();
    expect(body.data).toEqual([expect.objectContaining({ tenant: other, requests: 6 })]);
  });

  it.each([
    ["group_by=planet", "group_by"],
    ["from=2026-13-01", "from"],
    ["from=yesterday", "from"],
    ["to=2026-02-30", "to"],
    ["from=2026-05-02&to=2026-05-01", "from"],
    ["from=2020-01-01&to=2026-01-01", "from"],
    ["colour=red", "colour"],
  ])("400 invalid_request naming the param for ?%s", async (query, param) => {
    const res = await testApp().request(`/v1/usage?${query}`, { as: tenant });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request", param } });
  });

  it("a tenant admin naming another tenant gets 404", async () => {
    const res = await testApp().request(`/v1/usage?tenant_id=${other}`, { as: tenant });
    expect(res.status).toBe(404);
  });
});

describe("GET /v1/usage/timeseries and export.csv", () => {
  it("daily points per model sum to the rows", async () => {
    const res = await testApp().request(`/v1/usage/timeseries?group_by=model&project_id=${pA}`, { as: tenant });
    const body = await res.json<{ data: { day: string; model: string; cost_micro_usd: number }[] }>();
    expect(body.data.every((p) => p.day === today)).toBe(true);
    expect(body.data.map((p) => p.model).sort()).toEqual(["mock/tollgate-mock", "openai/gpt-4o"]);
    expect(body.data.reduce((a, p) => a + p.cost_micro_usd, 0)).toBe((await rowSums(`project_id = ?`, pA))?.cost);
  });

  it("exports one CSV line per ledger row of the caller's tenant", async () => {
    const res = await testApp().request(`/v1/usage/export.csv`, { as: tenant });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^request_id,created_at,day,tenant_id,project_id/);
    expect(lines).toHaveLength(1 + 36);
    expect(lines.slice(1).every((l) => l.includes(tenant))).toBe(true);
  });
});

describe("GET /v1/projects/:id/budgets", () => {
  it("reports spent, reserved and remaining per budget from the gate", async () => {
    const res = await testApp().request(`/v1/projects/${pB}/budgets`, { as: tenant });
    expect(res.status).toBe(200);
    const body = await res.json<{
      budgets: { name: string; spent: number; reserved: number; remaining: number; limit: number }[];
    }>();
    const sums = await rowSums(`project_id = ?`, pB);
    const line = body.budgets.find((b) => b.name === "project:tokens:day");
    expect(line).toMatchObject({
      spent: (sums?.prompt ?? 0) + (sums?.completion ?? 0),
      reserved: 0,
      limit: 10_000_000,
    });
  });

  it("another tenant's project is 404", async () => {
    expect((await testApp().request(`/v1/projects/${pOther}/budgets`, { as: tenant })).status).toBe(404);
  });
});
