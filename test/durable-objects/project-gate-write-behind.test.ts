import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProjectGate } from "../../durable-objects/project-gate";
import { COMMIT_AFTER_MS } from "../../src/limits/gate-state";
import type { AdmitInput } from "../../src/limits/gate-types";
import { admitInput, freshGate, settleInput, snapshot, T0 } from "./gate-fixture";

type Gate = ReturnType<typeof freshGate>["gate"];

function storedRows(gate: Gate) {
  return runInDurableObject(gate, (_instance, state) => ({
    reservations: state.storage.sql
      .exec<{ request_id: string }>(`SELECT request_id FROM reservations`)
      .toArray()
      .map((r) => r.request_id),
    counters: state.storage.sql
      .exec<{ key: string; reserved: number; spent: number }>(`SELECT key, reserved, spent FROM counters`)
      .toArray(),
  }));
}

/** Admits inside the object and reports a refusal by exception as its message (a throw across RPC is also logged as uncaught). */
function admitInside(gate: Gate, input: AdmitInput): Promise<string> {
  return runInDurableObject(gate, (instance: ProjectGate) =>
    instance.admit(input).then(
      () => "admitted",
      (err: unknown) => String(err),
    ),
  );
}

const tick = () => new Promise((resolve) => setTimeout(resolve, COMMIT_AFTER_MS + 40));

describe("project gate: write-behind admission and batched settlement", () => {
  it("an admit's reservation and counters reach storage shortly after its reply, one commit for a burst of admits", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { tokens_per_day: 1_000, rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const decisions = await Promise.all(Array.from({ length: 12 }, () => gate.admit(admitInput({ now: T0 }))));
    await tick();
    const stored = await storedRows(gate);
    const ids = decisions.map((d) => (d.ok ? d.reservation.requestId : "refused"));
    expect(stored.reservations.sort()).toEqual([...ids].sort());
    const userTokens = stored.counters.find((c) => c.key === "user:user_a:tokens:day");
    expect(userTokens).toMatchObject({ reserved: 12 * 20, spent: 0 });
  });

  it("budgets stay exact across write-behind: 50 concurrent admits against a 200-token budget reserve exactly 10", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { tokens_per_day: 200, rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const decisions = await Promise.all(Array.from({ length: 50 }, () => gate.admit(admitInput({ now: T0 }))));
    expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    // Settling half of them (charging 5 of 20 tokens each) frees exactly the unused part, in memory and on disk.
    const admitted = decisions.flatMap((d) => (d.ok ? [d.reservation.requestId] : []));
    await gate.settleMany(
      admitted.slice(0, 5).map((id) => settleInput(id, { promptTokens: 5, completionTokens: 0, now: T0 })),
    );
    const stored = await storedRows(gate);
    expect(stored.counters.find((c) => c.key === "user:user_a:tokens:day")).toMatchObject({
      reserved: 5 * 20,
      spent: 5 * 5,
    });
    expect(stored.reservations).toHaveLength(5);
    const more = await Promise.all(Array.from({ length: 10 }, () => gate.admit(admitInput({ now: T0 }))));
    expect(more.filter((d) => d.ok)).toHaveLength(3); // 200 − 100 reserved − 25 spent = 75 tokens = 3 × 20
  });

  it("settleMany settles a batch in order, idempotently, and a request settled twice in one batch is charged once", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await gate.admit(admitInput({ now: T0 }));
      if (!d.ok) throw new Error("refused");
      ids.push(d.reservation.requestId);
    }
    const batch = [
      ...ids.map((id, i) => settleInput(id, { completionTokens: i, now: T0 })),
      settleInput(ids[0]!, { completionTokens: 99, now: T0 }),
      settleInput("req_unknown", { now: T0 }),
    ];
    const results = await gate.settleMany(batch);
    expect(results.map((r) => r.found)).toEqual([true, true, true, true, true, false]);
    expect(results.map((r) => r.chargedTokens)).toEqual([10, 11, 12, 13, 10, 0]);
    const { flushed } = await gate.flushLedger();
    expect(flushed).toBe(4);
    expect((await storedRows(gate)).reservations).toEqual([]);
  });

  it("a settle whose reservation an object restart dropped still charges the user and writes the ledger row", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(projectId, { costCenter: "eng" }, { tokens_per_day: 1_000, rpm_limit: 10_000, user_rpm_fraction: 0 }),
    );
    // The gate never heard of this request (its admit was in memory only when the object restarted).
    const [lost, unknown] = await gate.settleMany([
      settleInput("req_lost_1", {
        userId: "user_a",
        admittedAt: T0,
        promptTokens: 30,
        completionTokens: 12,
        costMicroUsd: 77,
        now: T0,
      }),
      settleInput("req_lost_2", { now: T0 }), // no user/admission time: nothing to rebuild from
    ]);
    expect(lost).toMatchObject({ found: true, chargedTokens: 42, chargedMicroUsd: 77 });
    expect(unknown).toMatchObject({ found: false });
    expect(await gate.settle(settleInput("req_lost_1", { userId: "user_a", admittedAt: T0, now: T0 }))).toEqual(lost); // idempotent
    const stored = await storedRows(gate);
    expect(stored.counters.find((c) => c.key === "user:user_a:tokens:day")).toMatchObject({ spent: 42, reserved: 0 });
    expect(await gate.flushLedger()).toMatchObject({ flushed: 1 });
  });

  it("settles reservations already committed to storage, a duplicate in the batch once, and never re-admits a known request id", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { tokens_per_day: 1_000, rpm_limit: 10_000, user_rpm_fraction: 0 }));
    const first = admitInput({ now: T0 });
    const second = admitInput({ now: T0 });
    for (const input of [first, second]) expect((await gate.admit(input)).ok).toBe(true);
    await tick(); // committed: the settle below reads the rows, not the in-memory state
    expect((await storedRows(gate)).reservations.sort()).toEqual([first.requestId, second.requestId].sort());
    // Admitting a reserved id again is refused before anything is counted.
    expect(await admitInside(gate, first)).toMatch(/already admitted/);
    const results = await gate.settleMany([
      settleInput(first.requestId, { promptTokens: 7, completionTokens: 0, now: T0 }),
      settleInput(first.requestId, { promptTokens: 999, completionTokens: 0, now: T0 }),
      settleInput(second.requestId, { promptTokens: 3, completionTokens: 0, now: T0 }),
    ]);
    expect(results.map((r) => r.chargedTokens)).toEqual([7, 7, 3]);
    const stored = await storedRows(gate);
    expect(stored.reservations).toEqual([]);
    expect(stored.counters.find((c) => c.key === "user:user_a:tokens:day")).toMatchObject({ reserved: 0, spent: 10 });
    // A settled id is still known: a replayed settle answers the same, and a re-admit is refused.
    expect(await gate.settle(settleInput(first.requestId, { promptTokens: 1, now: T0 }))).toEqual(results[0]);
    expect(await admitInside(gate, second)).toMatch(/already admitted/);
    expect(await gate.flushLedger()).toMatchObject({ flushed: 2, pending: 0 });
  });
});
