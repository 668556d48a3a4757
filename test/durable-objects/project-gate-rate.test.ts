import { describe, expect, it } from "vitest";
import { admitInput, freshGate, snapshot, T0 } from "./gate-fixture";

describe("project gate: rate limits", () => {
  it("200 concurrent admits against rpm_limit 50 admit exactly 50", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 50, user_rpm_fraction: 0 }));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => gate.admit(admitInput({ userId: `u${i}`, now: T0 }))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    const refused = results.filter((r) => !r.ok);
    expect(refused.every((r) => !r.ok && r.reason === "rpm" && (r.retryAfter ?? 0) >= 1)).toBe(true);
  });

  it("the per-user limit (fraction × RPM) holds under concurrency and leaves other users alone", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 100, user_rpm_fraction: 0.2 }));
    const results = await Promise.all(
      Array.from({ length: 60 }, () => gate.admit(admitInput({ userId: "alice", now: T0 }))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === "user_rpm")).toHaveLength(40);
    expect((await gate.admit(admitInput({ userId: "bob", now: T0 }))).ok).toBe(true);
  });

  it("no double burst at the window edge (time injected)", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 10, user_rpm_fraction: 0 }));
    const edge = T0 + 59_000;
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gate.admit(admitInput({ userId: `u${i}`, now: edge }))),
    );
    expect(burst.every((r) => r.ok)).toBe(true);
    // A fixed minute window would reset at T0 + 60 s and admit ten more here.
    const after = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gate.admit(admitInput({ userId: `v${i}`, now: edge + 2_000 }))),
    );
    expect(after.filter((r) => r.ok)).toHaveLength(0);
    expect(after[0]).toMatchObject({ ok: false, reason: "rpm", retryAfter: 58 });
    expect((await gate.admit(admitInput({ now: edge + 60_000 }))).ok).toBe(true);
  });

  it("a refused request takes no slot", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 2, user_rpm_fraction: 0 }));
    await gate.admit(admitInput({ now: T0 }));
    await gate.admit(admitInput({ now: T0 + 30_000 }));
    for (let i = 0; i < 5; i++) expect((await gate.admit(admitInput({ now: T0 + 40_000 }))).ok).toBe(false);
    // Only the first admission has left the window: exactly one slot, however many refusals came before.
    expect((await gate.admit(admitInput({ now: T0 + 60_000 }))).ok).toBe(true);
    expect((await gate.admit(admitInput({ now: T0 + 60_001 }))).ok).toBe(false);
  });

  it("reports the rate-limit state for the headers", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { rpm_limit: 60, user_rpm_fraction: 0.5 }));
    const first = await gate.admit(admitInput({ now: T0 }));
    expect(first).toMatchObject({
      ok: true,
      rateLimit: { limit: 30, remaining: 29, reset: Math.ceil((T0 + 60_000) / 1000) },
    });
  });

  it("a tier's rpm_limit override gets its own window", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(projectId, { tiers: { premium: { rpm_limit: 5 } } }, { rpm_limit: 1, user_rpm_fraction: 0 }),
    );
    expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(true);
    expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(false);
    const premium = await Promise.all(
      Array.from({ length: 6 }, () => gate.admit(admitInput({ tier: "premium", now: T0 }))),
    );
    expect(premium.filter((r) => r.ok)).toHaveLength(5);
    expect(await gate.admit(admitInput({ tier: "gold", now: T0 }))).toEqual({ ok: false, reason: "unknown_tier" });
  });

  it("tiers without their own rpm_limit share the one project window: 120 concurrent admits over 4 tiers admit exactly 20", async () => {
    const { projectId, gate } = freshGate();
    const tiers = { silver: { system_prompt: "s" }, bronze: { memory_window: 3 }, premium: { rpm_limit: 5 } };
    await gate.configure(snapshot(projectId, { tiers }, { rpm_limit: 20, user_rpm_fraction: 0 }));
    const spread = [undefined, "silver", "bronze"] as const;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        gate.admit(admitInput({ userId: `u${i}`, tier: spread[i % spread.length], now: T0 })),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === "rpm")).toHaveLength(100);
    // The tier that overrides rpm_limit still counts in a window of its own.
    const premium = await Promise.all(
      Array.from({ length: 8 }, (_, i) => gate.admit(admitInput({ userId: `p${i}`, tier: "premium", now: T0 }))),
    );
    expect(premium.filter((r) => r.ok)).toHaveLength(5);
  });
});
