import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { queueSettlement } from "../../src/data-plane/settle-queue";
import { admitInput, freshGate, settleInput, snapshot } from "../durable-objects/gate-fixture";

function fakeContext() {
  const waiting: Promise<unknown>[] = [];
  return { ctx: { waitUntil: (p: Promise<unknown>) => void waiting.push(p) }, waiting };
}

describe("settlement queue", () => {
  it("sends a project's settlements in batches of at most 100 and loses none", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const admitted = await Promise.all(
      Array.from({ length: 150 }, async () => {
        const decision = await gate.admit(admitInput());
        if (!decision.ok) throw new Error(`refused: ${decision.reason}`);
        return decision.reservation.requestId;
      }),
    );
    const { ctx, waiting } = fakeContext();
    const told: string[] = [];
    for (const id of admitted) queueSettlement(ctx, env, projectId, settleInput(id), () => told.push(id));
    expect(waiting).toHaveLength(2); // the first batch closed at 100; the rest opened a second
    expect(told).toEqual([]); // nobody is told before their batch went out
    await Promise.all(waiting);
    // Every request, the openers and those that joined, is told once that its batch reached the gate.
    expect(told.sort()).toEqual([...admitted].sort());
    const { flushed } = await gate.flushLedger();
    expect(flushed).toBe(150);
  });

  it("keeps projects apart: each project's batch goes to its own gate", async () => {
    const a = freshGate();
    const b = freshGate();
    const ids = new Map<string, string>();
    for (const { projectId, gate } of [a, b]) {
      await gate.configure(snapshot(projectId));
      const decision = await gate.admit(admitInput());
      if (!decision.ok) throw new Error("refused");
      ids.set(projectId, decision.reservation.requestId);
    }
    const { ctx, waiting } = fakeContext();
    for (const [projectId, id] of ids) queueSettlement(ctx, env, projectId, settleInput(id));
    expect(waiting).toHaveLength(2);
    await Promise.all(waiting);
    expect((await a.gate.flushLedger()).flushed).toBe(1);
    expect((await b.gate.flushLedger()).flushed).toBe(1);
  });
});
