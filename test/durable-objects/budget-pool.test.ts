import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SharedBudgetLimit } from "../../src/limits/gate-types";
import { admitInput, freshGate, settleInput, snapshot, T0 } from "./gate-fixture";

const price = { input: 1_000_000, output: 2_000_000 };
const RESERVE = { estimatedPromptTokens: 10, maxTokens: 10, priceMicroUsdPerMillion: price }; // 30 micro-USD each

describe("shared budgets (BudgetPool)", () => {
  it("a cost-center dollar budget shared by two projects holds across both", async () => {
    const tenantId = `ten_${crypto.randomUUID()}`;
    const budget: SharedBudgetLimit = {
      id: "bud_1",
      scope: "cost_center",
      scopeId: "eng",
      period: "day",
      limitMicroUsd: 100,
    };
    const a = freshGate();
    const b = freshGate();
    for (const p of [a, b])
      await p.gate.configure(snapshot(p.projectId, { tenantId, costCenter: "eng", sharedBudgets: [budget] }));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).gate.admit(admitInput({ ...RESERVE, userId: `u${i}`, now: T0 })),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3); // 3 × 30 ≤ 100 < 4 × 30, whichever project asked
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: "budget", budget: "cost_center:eng:usd:day" });

    const statusA = (await a.gate.budgetStatus(undefined, T0)).budgets.find(
      (l) => l.name === "cost_center:eng:usd:day",
    );
    expect(statusA).toMatchObject({ spent: 0, reserved: 90, remaining: 10 });
  });

  it("refused pool reservations undo the local reservation and the RPM slot", async () => {
    const tenantId = `ten_${crypto.randomUUID()}`;
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(
        projectId,
        {
          tenantId,
          sharedBudgets: [{ id: "b", scope: "tenant", scopeId: tenantId, period: "month", limitMicroUsd: 10 }],
        },
        { rpm_limit: 1, user_rpm_fraction: 0 },
      ),
    );
    expect(await gate.admit(admitInput({ ...RESERVE, now: T0 }))).toMatchObject({ ok: false, reason: "budget" });
    const { budgets } = await gate.budgetStatus(undefined, T0);
    expect(budgets.find((l) => l.name === "project:tokens:day")).toMatchObject({ reserved: 0 });
    // The RPM slot was given back: an unpriced request that fits still gets the single slot.
    expect((await gate.admit(admitInput({ estimatedPromptTokens: 1, maxTokens: 1, now: T0 }))).ok).toBe(true);
  });

  it("settling charges the actual cost to the pool; a failed call releases it", async () => {
    const tenantId = `ten_${crypto.randomUUID()}`;
    const { projectId, gate } = freshGate();
    const budget: SharedBudgetLimit = {
      id: "b",
      scope: "tenant",
      scopeId: tenantId,
      period: "day",
      limitMicroUsd: 1_000,
    };
    await gate.configure(snapshot(projectId, { tenantId, sharedBudgets: [budget] }));
    const ok = await gate.admit(admitInput({ ...RESERVE, now: T0 }));
    const failed = await gate.admit(admitInput({ ...RESERVE, now: T0 }));
    if (!ok.ok || !failed.ok) throw new Error("not admitted");
    await gate.settle(settleInput(ok.reservation.requestId, { costMicroUsd: 17, now: T0 }));
    await gate.settle(
      settleInput(failed.reservation.requestId, {
        status: "provider_error",
        promptTokens: 0,
        completionTokens: 0,
        costMicroUsd: 0,
        now: T0,
      }),
    );
    const line = (await gate.budgetStatus(undefined, T0)).budgets.find((l) => l.name === `tenant:${tenantId}:usd:day`);
    expect(line).toMatchObject({ spent: 17, reserved: 0, remaining: 983 });
  });

  it("prunes settled ids by age through an index, not a scan of every id kept", async () => {
    const pool = env.BUDGET_POOL.get(env.BUDGET_POOL.idFromName(`pool-index-probe-${crypto.randomUUID()}`));
    const plan = await runInDurableObject(pool, (_instance, state) =>
      state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN DELETE FROM settled WHERE at < ?`, Date.now())
        .toArray()
        .map((r) => r.detail)
        .join(" "),
    );
    expect(plan).toMatch(/USING (COVERING )?INDEX settled_at/);
  });
});
