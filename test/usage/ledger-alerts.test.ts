import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admitInput, freshGate, settleInput, snapshot, T0 } from "../durable-objects/gate-fixture";

describe("budget alerts recorded with the ledger row", () => {
  it("crossing 50 % and 100 % of the project's daily tokens queues each alert once for the period", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(
        projectId,
        { alerts: { webhookUrl: "https://hooks.example/budget", thresholds: [50, 100] } },
        { project_tokens_per_day: 100 },
      ),
    );
    for (const completion of [30, 30, 10, 30, 30]) {
      const d = await gate.admit(admitInput({ estimatedPromptTokens: 0, maxTokens: 30, now: T0 }));
      if (!d.ok) break;
      await gate.settle(
        settleInput(d.reservation.requestId, { promptTokens: 0, completionTokens: completion, now: T0 }),
      );
    }
    const queued = await runInDurableObject(gate, (_i, state) =>
      state.storage.sql.exec<{ url: string; body: string }>(`SELECT url, body FROM alert_outbox ORDER BY id`).toArray(),
    );
    const alerts = queued.map((q) => JSON.parse(q.body) as { thresholdPct: number; budget: string; spent: number });
    expect(alerts.map((a) => a.thresholdPct)).toEqual([50, 100]);
    expect(alerts[0]).toMatchObject({ budget: `project:${projectId}:tokens:day`, spent: 60 });
    expect(queued.every((q) => q.url === "https://hooks.example/budget")).toBe(true);
  });
});
