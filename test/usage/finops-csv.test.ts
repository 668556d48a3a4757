import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/usage/finops-queries";
import { alertBackoffMs, crossedThresholds } from "../../src/usage/alerts";

describe("CSV cells", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", `"a,b"`],
    [`say "hi"`, `"say ""hi"""`],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"], // formula injection from a user id
    ["-1+1", "'-1+1"],
    [42, "42"],
    [null, ""],
  ] as const)("%j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe("budget alert thresholds", () => {
  it.each([
    // before, after, limit, crossed
    [0, 40, 100, []],
    [0, 50, 100, [50]],
    [49, 81, 100, [50, 80]],
    [80, 85, 100, []], // 80 % already passed: fired once per period, not again
    [90, 250, 100, [100]],
    [0, 10, 0, []],
  ])("%i → %i of %i crosses %j", (before, after, limit, crossed) => {
    expect(crossedThresholds(before, after, limit, [50, 80, 100])).toEqual(crossed);
  });

  it("backs off exponentially to a ten-minute ceiling", () => {
    expect([1, 2, 3, 20].map(alertBackoffMs)).toEqual([2_000, 4_000, 8_000, 600_000]);
  });
});
