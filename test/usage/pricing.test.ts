import { describe, expect, it } from "vitest";
import { costMicroUsd, PRICES, PriceTable } from "../../src/usage/pricing";

const table = PriceTable.parse({
  version: "test-1",
  fallback: { input: 100, output: 100 },
  models: {
    "p/cheap": { input: 0.15, output: 0.6 },
    "p/free": { input: 0, output: 0 },
    "p/odd": { input: 0.001, output: 2.19 },
  },
});
const cost = (model: string, promptTokens: number, completionTokens: number) =>
  costMicroUsd({ provider: "p", model, promptTokens, completionTokens }, table);

describe("costMicroUsd", () => {
  // $X per million tokens is X micro-USD per token; totals round up to whole micro-USD.
  const cases: Array<[string, number, number, number]> = [
    ["cheap", 1000, 0, 150], // 1000 × 0.15 exactly, no float drift up to 151
    ["cheap", 0, 1000, 600],
    ["cheap", 1, 0, 1], // 0.15 µ$ rounds up to 1
    ["cheap", 3, 3, 3], // 0.45 + 1.8 = 2.25 → 3
    ["cheap", 1_000_000, 1_000_000, 750_000], // $0.75
    ["odd", 1, 0, 1], // 0.001 µ$ still rounds up
    ["odd", 1000, 1000, 2191],
    ["free", 123456, 654321, 0],
    ["missing", 10, 10, 2000], // fallback price
  ];
  it.each(cases)("%s: %i prompt + %i completion tokens = %i µ$", (model, prompt, completion, micro) => {
    expect(cost(model, prompt, completion).microUsd).toBe(micro);
  });

  it("says which table and whether the model was priced", () => {
    expect(cost("cheap", 1, 1)).toMatchObject({ priceVersion: "test-1", source: "table" });
    expect(cost("missing", 1, 1).source).toBe("fallback");
  });

  it.each([-1, 1.5, Number.NaN])("refuses token count %s", (tokens) => {
    expect(() => cost("cheap", tokens, 0)).toThrow(RangeError);
  });

  it("prices from the shipped table by default", () => {
    expect(
      costMicroUsd({ provider: "mock", model: "tollgate-mock", promptTokens: 1000, completionTokens: 500 }),
    ).toEqual({ microUsd: 2000, priceVersion: PRICES.version, source: "table" });
  });
});

describe("PriceTable", () => {
  it.each([
    [
      "a price with 4 decimals",
      { version: "v", fallback: { input: 1, output: 1 }, models: { "a/b": { input: 0.0001, output: 1 } } },
    ],
    [
      "a negative price",
      { version: "v", fallback: { input: 1, output: 1 }, models: { "a/b": { input: -1, output: 1 } } },
    ],
    ["no version", { fallback: { input: 1, output: 1 }, models: {} }],
  ])("rejects %s", (_name, data) => {
    expect(PriceTable.safeParse(data).success).toBe(false);
  });
});
