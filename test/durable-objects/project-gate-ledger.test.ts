import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ABANDON_AFTER_MS, type ProjectGate } from "../../durable-objects/project-gate";
import { SETTLED_KEEP_MS } from "../../src/limits/gate-store";
import type { SettleStatus } from "../../src/limits/gate-types";
import { admitInput, freshGate, settleInput, snapshot, T0 } from "./gate-fixture";

async function d1Rows(projectId: string) {
  const { results } = await env.DB.prepare(`SELECT * FROM usage_ledger WHERE project_id = ? ORDER BY request_id`)
    .bind(projectId)
    .all<Record<string, unknown>>();
  return results;
}

describe("project gate: usage ledger", () => {
  it("N concurrent admit/settle with aborts and failures leave exactly N rows in D1 after flush", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, { costCenter: "eng" }, { rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const statuses: SettleStatus[] = ["ok", "aborted", "provider_error", "blocked"];
    const N = 40;
    const settled = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const decision = await gate.admit(admitInput({ userId: `u${i % 3}`, now: T0 }));
        if (!decision.ok) throw new Error(`refused ${decision.reason}`);
        const status = statuses[i % statuses.length] as SettleStatus;
        const failed = status === "provider_error" || status === "blocked";
        return gate.settle(
          settleInput(decision.reservation.requestId, {
            status,
            promptTokens: failed ? 0 : 10,
            completionTokens: failed ? 0 : i,
            costMicroUsd: failed ? 0 : 100 + i,
            sessionId: `s${i % 2}`,
            now: T0,
          }),
        );
      }),
    );
    // Settles racing a flush, and a flush racing another, must not lose or double a row.
    const [a, b] = await Promise.all([gate.flushLedger(), gate.flushLedger()]);
    expect(a.pending + b.pending).toBe(0);
    const rows = await d1Rows(projectId);
    expect(rows).toHaveLength(N);
    const sum = (key: string) => rows.reduce((acc, r) => acc + Number(r[key]), 0);
    expect(sum("cost_micro_usd")).toBe(settled.reduce((acc, s) => acc + s.chargedMicroUsd, 0));
    expect(sum("prompt_tokens") + sum("completion_tokens")).toBe(settled.reduce((acc, s) => acc + s.chargedTokens, 0));
    expect(rows[0]).toMatchObject({
      tenant_id: "ten_test",
      cost_center: "eng",
      model: "mock/tollgate-mock",
      provider: "mock",
      guardrail_events: "[]",
    });
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(statuses));
  });

  it("a replayed flush is idempotent (INSERT … ON CONFLICT DO NOTHING)", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    const decision = await gate.admit(admitInput({ now: T0 }));
    if (!decision.ok) throw new Error("refused");
    await gate.settle(settleInput(decision.reservation.requestId, { now: T0 }));
    // Simulate a crash after the D1 write but before the outbox delete: the row is still queued.
    const queued = await runInDurableObject(gate, (_i, state) =>
      state.storage.sql.exec(`SELECT body FROM ledger_outbox`).toArray(),
    );
    await gate.flushLedger();
    await runInDurableObject(gate, (_i, state) => {
      for (const row of queued)
        state.storage.sql.exec(
          `INSERT INTO ledger_outbox (request_id, body) VALUES (?, ?)`,
          decision.reservation.requestId,
          row.body,
        );
    });
    await gate.flushLedger();
    expect(await d1Rows(projectId)).toHaveLength(1);
  });

  it("the alarm settles a reservation never settled as `abandoned`, charging the reservation, and flushes it", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    const longAgo = Date.now() - ABANDON_AFTER_MS - 1_000;
    const decision = await gate.admit(admitInput({ estimatedPromptTokens: 10, maxTokens: 10, now: longAgo }));
    if (!decision.ok) throw new Error("refused");
    // The alarm (due in the past) may already have run on its own; otherwise run it now.
    await runDurableObjectAlarm(gate);
    const rows = await vi.waitFor(async () => {
      const found = await d1Rows(projectId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(rows[0]).toMatchObject({ status: "abandoned", prompt_tokens: 20, completion_tokens: 0 });
    // A late settle from the worker that was thought lost changes nothing.
    expect((await gate.settle(settleInput(decision.reservation.requestId))).chargedTokens).toBe(20);
  });

  it("keeps settle results for SETTLED_KEEP_MS, then the alarm prunes them through the index on `at`", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const now = Date.now();
    const settleAt = async (at: number) => {
      const decision = await gate.admit(admitInput({ now: at }));
      if (!decision.ok) throw new Error(`refused ${decision.reason}`);
      const result = await gate.settle(settleInput(decision.reservation.requestId, { promptTokens: 3, now: at }));
      return { requestId: decision.reservation.requestId, result };
    };
    const old = await settleAt(now - SETTLED_KEEP_MS - 60_000);
    const recent = await settleAt(now - SETTLED_KEEP_MS + 60_000);
    // Admitting "in the past" may already have fired the alarm; run it once more now, deterministically.
    await runInDurableObject(gate, (instance: ProjectGate) => instance.alarm());
    const kept = await runInDurableObject(gate, (_instance, state) => ({
      ids: state.storage.sql
        .exec<{ request_id: string }>(`SELECT request_id FROM settled`)
        .toArray()
        .map((r) => r.request_id),
      plan: state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN DELETE FROM settled WHERE at < ?`, now)
        .toArray()
        .map((r) => r.detail)
        .join(" "),
    }));
    expect(kept.ids).toEqual([recent.requestId]);
    expect(kept.plan).toMatch(/USING (COVERING )?INDEX settled_at/);
    // Inside the window a repeated settle still answers the first result and charges nothing more.
    expect(await gate.settle(settleInput(recent.requestId, { promptTokens: 99, now }))).toEqual(recent.result);
    expect(kept.ids).not.toContain(old.requestId);
  });
});
