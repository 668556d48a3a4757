import { describe, expect, it } from "vitest";
import { checkWindow, pruneLog, recordHit, removeHit, userRpmLimit } from "../../src/limits/sliding-window";

const W = 60_000;

describe("checkWindow", () => {
  it.each([
    // log (ms),                     limit, now,     ok,    remaining, retryAfterMs
    [[], 3, 1_000, true, 2, undefined],
    [[0, 1_000], 3, 2_000, true, 0, undefined],
    [[0, 1_000, 2_000], 3, 3_000, false, 0, 57_000],
    [[0, 1_000, 2_000], 3, 60_000, true, 0, undefined], // the entry at 0 left exactly at W
    [[0, 1_000, 2_000, 3_000], 2, 30_000, false, 0, 32_000], // two must leave: the 2nd oldest frees at 61 s
  ] as const)("log %j, limit %i at %i → ok %s, remaining %i, retry %s", (log, limit, now, ok, remaining, retry) => {
    const check = checkWindow([...log], limit, W, now);
    expect(check.ok).toBe(ok);
    expect(check.remaining).toBe(remaining);
    expect(check.retryAfterMs).toBe(retry);
  });

  it("admits no double burst across a window edge: 3 at 59 s, none at 61 s, one after 119 s", () => {
    const log: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(checkWindow(log, 3, W, 59_000).ok).toBe(true);
      recordHit(log, 59_000);
    }
    expect(checkWindow(pruneLog(log, 61_000, W), 3, W, 61_000).ok).toBe(false);
    expect(checkWindow(pruneLog(log, 118_999, W), 3, W, 118_999).ok).toBe(false);
    expect(checkWindow(pruneLog(log, 119_000, W), 3, W, 119_000).ok).toBe(true);
  });

  it("reset is when the oldest admission leaves, or a full window ahead when empty", () => {
    expect(checkWindow([10_000, 20_000], 5, W, 30_000).resetAtMs).toBe(70_000);
    expect(checkWindow([], 5, W, 30_000).resetAtMs).toBe(90_000);
  });
});

describe("log maintenance", () => {
  it("keeps the log ascending and removes exactly one undone hit", () => {
    const log = [1, 5, 9];
    recordHit(log, 7);
    expect(log).toEqual([1, 5, 7, 9]);
    removeHit(log, 5);
    expect(log).toEqual([1, 7, 9]);
    expect(pruneLog(log, 60_008, W)).toEqual([9]);
  });
});

describe("userRpmLimit", () => {
  it.each([
    [60, 0.1, 6],
    [60, 0, null],
    [5, 0.1, 1], // floor of 0.5 would be 0: at least one request per minute
    [10_000, 1, 10_000],
    [7, 0.5, 3],
  ])("project %i × %f → %s", (rpm, fraction, expected) => {
    expect(userRpmLimit(rpm, fraction)).toBe(expected);
  });
});
