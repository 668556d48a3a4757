import { describe, expect, it } from "vitest";
import { createIpWindow, REPORT_INTERVAL_MS } from "../../src/limits/ip-window";

// The per-isolate half of the per-IP safety net: pure, so time is a parameter and nothing is awaited.
const T0 = 1_000_000; // any epoch ms; a whole number of minutes would not matter either

describe("ip window: the local sliding window", () => {
  it("admits exactly the limit for one IP under many checks, counting down, and keeps IPs apart", () => {
    const window = createIpWindow();
    const results = Array.from({ length: 200 }, (_, i) => window.check("198.51.100.1", 50, T0 + i));
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect(results.slice(0, 50).map((r) => r.remaining)).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
    expect(results.slice(50).every((r) => !r.ok && r.remaining === 0 && r.retryAfter === 60)).toBe(true);
    // The oldest admission (T0) leaves at T0 + 60 s: that is both the reset and when a slot frees.
    expect(results[50]).toMatchObject({ limit: 50, reset: Math.ceil((T0 + 60_000) / 1000) });
    expect(window.check("198.51.100.2", 50, T0 + 300).ok).toBe(true);
  });

  it("slides: a slot frees exactly when the oldest admission is a minute old, not at a window edge", () => {
    const window = createIpWindow();
    const ip = "198.51.100.3";
    for (const at of [0, 20_000, 40_000]) expect(window.check(ip, 3, T0 + at).ok).toBe(true);
    expect(window.check(ip, 3, T0 + 59_999)).toMatchObject({ ok: false, retryAfter: 1 });
    expect(window.check(ip, 3, T0 + 60_000).ok).toBe(true); // the hit at 0 left
    expect(window.check(ip, 3, T0 + 61_000)).toMatchObject({ ok: false, retryAfter: 19 }); // the hit at 20 s leaves at 80 s
    expect(window.check(ip, 3, T0 + 80_000).ok).toBe(true);
  });

  it("does not count refused requests: a client hammering a full window is not locked out for longer", () => {
    const window = createIpWindow();
    const ip = "198.51.100.4";
    expect(window.check(ip, 1, T0).ok).toBe(true);
    for (let i = 1; i < 100; i++) expect(window.check(ip, 1, T0 + i * 500).ok).toBe(false);
    expect(window.takeReport(T0 + 59_999)).toEqual([{ ip, count: 1 }]); // nor are they reported
    expect(window.check(ip, 1, T0 + 60_000).ok).toBe(true);
  });
});

describe("ip window: the shared count", () => {
  it("refuses an IP the shared total put at the limit until that window resets, with Retry-After", () => {
    const window = createIpWindow();
    const resetAtMs = T0 + 45_000;
    window.applyShared(
      {
        totals: [
          { ip: "203.0.113.1", count: 10 },
          { ip: "203.0.113.2", count: 9 },
        ],
        resetAtMs,
      },
      10,
      T0,
    );
    // Nothing of 203.0.113.1 was admitted here; the other isolates used its minute up.
    expect(window.check("203.0.113.1", 10, T0 + 1_500)).toEqual({
      ok: false,
      limit: 10,
      remaining: 0,
      reset: Math.ceil(resetAtMs / 1000),
      retryAfter: 44,
    });
    expect(window.check("203.0.113.2", 10, T0 + 1_500).ok).toBe(true); // one below the limit still admits
    expect(window.check("203.0.113.1", 10, resetAtMs).ok).toBe(true);
  });

  it("ignores totals of a window that has already ended", () => {
    const window = createIpWindow();
    window.applyShared({ totals: [{ ip: "203.0.113.3", count: 99 }], resetAtMs: T0 }, 10, T0);
    expect(window.check("203.0.113.3", 10, T0).ok).toBe(true);
  });

  it("keeps the later of two blocks", () => {
    const window = createIpWindow();
    window.applyShared({ totals: [{ ip: "203.0.113.4", count: 10 }], resetAtMs: T0 + 60_000 }, 10, T0);
    window.applyShared({ totals: [{ ip: "203.0.113.4", count: 10 }], resetAtMs: T0 + 30_000 }, 10, T0);
    expect(window.check("203.0.113.4", 10, T0 + 40_000).ok).toBe(false);
  });
});

describe("ip window: reports", () => {
  it("reports at most once per interval, summing each IP's admitted hits", () => {
    const window = createIpWindow();
    expect(window.takeReport(T0)).toBeNull(); // nothing pending
    window.check("192.0.2.1", 1_000, T0);
    expect(window.takeReport(T0)).toEqual([{ ip: "192.0.2.1", count: 1 }]); // the isolate's first report goes at once
    window.check("192.0.2.1", 1_000, T0 + 100);
    window.check("192.0.2.1", 1_000, T0 + 200);
    window.check("192.0.2.2", 1_000, T0 + 300);
    expect(window.takeReport(T0 + REPORT_INTERVAL_MS - 1)).toBeNull();
    expect(window.takeReport(T0 + REPORT_INTERVAL_MS)).toEqual([
      { ip: "192.0.2.1", count: 2 },
      { ip: "192.0.2.2", count: 1 },
    ]);
    expect(window.takeReport(T0 + 5 * REPORT_INTERVAL_MS)).toBeNull(); // taken once
  });

  it("reports at once when one IP's pending hits reach a tenth of the limit", () => {
    const window = createIpWindow();
    window.check("192.0.2.9", 100, T0);
    window.takeReport(T0);
    for (let i = 1; i <= 9; i++) window.check("192.0.2.9", 100, T0 + i);
    expect(window.takeReport(T0 + 9)).toBeNull();
    window.check("192.0.2.9", 100, T0 + 10);
    expect(window.takeReport(T0 + 10)).toEqual([{ ip: "192.0.2.9", count: 10 }]);
  });
});

describe("ip window: memory", () => {
  it("caps tracked IPs, forgetting the least recently seen", () => {
    const window = createIpWindow({ sweepAt: 100, maxIps: 200 });
    window.check("10.0.0.0", 1, T0);
    for (let i = 1; i < 1_000; i++) {
      window.check(`10.0.${i >> 8}.${i & 255}`, 1, T0 + 1);
      if (i % 50 === 0) window.check("10.0.0.0", 1, T0 + 1); // seen again: stays tracked (and refused)
      window.takeReport(T0 + i * REPORT_INTERVAL_MS);
    }
    expect(window.size().logs).toBeLessThanOrEqual(200);
    expect(window.check("10.0.0.0", 1, T0 + 2).ok).toBe(false); // recently seen: its log survived
    expect(window.check("10.0.0.1", 1, T0 + 2).ok).toBe(true); // evicted: the price of the cap
  });

  it("sweeps logs that emptied once the window moved on", () => {
    const window = createIpWindow({ sweepAt: 100 });
    for (let i = 0; i < 500; i++) window.check(`10.1.${i >> 8}.${i & 255}`, 5, T0);
    window.applyShared(
      { totals: Array.from({ length: 150 }, (_, i) => ({ ip: `10.1.0.${i}`, count: 5 })), resetAtMs: T0 + 60_000 },
      5,
      T0,
    );
    expect(window.size()).toMatchObject({ logs: 500, blocked: 150 });
    window.check("10.2.0.1", 5, T0 + 60_000);
    expect(window.size()).toMatchObject({ logs: 1, blocked: 0 });
  });

  it("reports early rather than letting pending deltas grow past the cap", () => {
    const window = createIpWindow({ maxIps: 50 });
    window.check("10.3.0.0", 1_000, T0);
    window.takeReport(T0);
    for (let i = 1; i < 50; i++) window.check(`10.3.0.${i}`, 1_000, T0 + 1);
    expect(window.takeReport(T0 + 1)).toBeNull();
    window.check("10.3.0.50", 1_000, T0 + 1);
    expect(window.takeReport(T0 + 1)).toHaveLength(50);
  });
});
