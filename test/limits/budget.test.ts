import { describe, expect, it } from "vitest";
import {
  currentCounter,
  fits,
  microUsdFor,
  remaining,
  reserve,
  settle,
  usdToMicro,
  worstCaseTokens,
  dearest,
} from "../../src/limits/budget";
import { periodKey, secondsUntilRollover } from "../../src/limits/periods";

const NOON = Date.UTC(2026, 3, 15, 12, 0, 0);

describe("periods roll over at UTC day and month", () => {
  it.each([
    ["day", Date.UTC(2026, 3, 15, 23, 59, 59), "2026-04-15"],
    ["day", Date.UTC(2026, 3, 16, 0, 0, 0), "2026-04-16"],
    ["month", Date.UTC(2026, 3, 30, 23, 59, 59), "2026-04"],
    ["month", Date.UTC(2026, 4, 1), "2026-05"],
  ] as const)("%s at %i → %s", (period, now, key) => {
    expect(periodKey(period, now)).toBe(key);
  });

  it("a refusal's Retry-After is the time to rollover", () => {
    expect(secondsUntilRollover("day", NOON)).toBe(12 * 3600);
    expect(secondsUntilRollover("month", Date.UTC(2026, 3, 30, 23, 59, 0))).toBe(60);
  });

  it("a counter from yesterday starts again at zero", () => {
    expect(currentCounter({ period: "2026-04-14", spent: 900, reserved: 50 }, "day", NOON)).toEqual({
      period: "2026-04-15",
      spent: 0,
      reserved: 0,
    });
    expect(currentCounter({ period: "2026-04-15", spent: 900, reserved: 50 }, "day", NOON).spent).toBe(900);
  });
});

describe("reserve and settle", () => {
  const c = { period: "2026-04-15", spent: 600, reserved: 300 };
  it.each([
    // limit, amount, fits
    [1_000, 100, true],
    [1_000, 101, false],
    [1_000, 0, true], // unpriced request while budget not exhausted
    [900, 0, false], // unpriced request once exhausted
  ])("limit %i, amount %i → %s", (limit, amount, ok) => {
    expect(fits(c, limit, amount)).toBe(ok);
  });

  it("settling swaps the reservation for the actual charge", () => {
    const after = settle(reserve(c, 100), "2026-04-15", 100, 40);
    expect(after).toEqual({ period: "2026-04-15", spent: 640, reserved: 300 });
    expect(remaining(after, 1_000)).toBe(60);
  });

  it("a reservation from a rolled-over period releases nothing but still charges", () => {
    expect(settle({ period: "2026-04-16", spent: 0, reserved: 20 }, "2026-04-15", 100, 40)).toEqual({
      period: "2026-04-16",
      spent: 40,
      reserved: 20,
    });
  });
});

describe("worst case", () => {
  it.each([
    [100, { maxTokens: 50 }, 4096, { prompt: 100, completion: 50 }],
    [100, {}, 4096, { prompt: 100, completion: 4096 }],
    [99.2, { maxTokens: 8000 }, 4096, { prompt: 100, completion: 8000 }],
    // n choices are each generated and billed, with or without max_tokens
    [10, { choices: 128 }, 4096, { prompt: 10, completion: 128 * 4096 }],
    [10, { maxTokens: 50, choices: 3 }, 4096, { prompt: 10, completion: 150 }],
    // reasoning the cap does not bound is reserved per choice on top of it
    [10, { maxTokens: 50, choices: 2, reasoningTokens: 1000 }, 4096, { prompt: 10, completion: 2100 }],
    [10, { choices: 0 }, 4096, { prompt: 10, completion: 4096 }],
  ])("prompt %f, bound %o, cap %i", (prompt, bound, cap, expected) => {
    expect(worstCaseTokens(prompt, bound, cap)).toEqual(expected);
  });

  it("takes the componentwise dearest of several prices", () => {
    expect(
      dearest([
        { input: 1, output: 9 },
        { input: 5, output: 2 },
      ]),
    ).toEqual({ input: 5, output: 9 });
  });

  it("prices in micro-USD, rounding up", () => {
    // 1,000 prompt at $2.50/M + 500 completion at $10/M = 2,500 + 5,000 micro-USD
    expect(microUsdFor(1_000, 500, { input: 2_500_000, output: 10_000_000 })).toBe(7_500);
    expect(microUsdFor(1, 0, { input: 1, output: 1 })).toBe(1);
    expect(microUsdFor(1_000, 500, undefined)).toBe(0);
    expect(usdToMicro(12.5)).toBe(12_500_000);
  });
});
