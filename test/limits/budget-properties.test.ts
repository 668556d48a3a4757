import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentCounter, fits, reserve, settle, type Counter } from "../../src/limits/budget";

// Property-based tests of the reserve/settle arithmetic the gate and the pools run (src/limits/budget.ts), over
// any interleaving of admits and settlements (charged nothing, part, all, or more than reserved).
const NOW = Date.UTC(2026, 11, 3, 12);

type Step =
  | { kind: "admit"; amount: number }
  | { kind: "settle"; pick: number; charge: "zero" | "partial" | "full" | "over"; fraction: number; extra: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("admit" as const), amount: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    kind: fc.constant("settle" as const),
    pick: fc.nat(),
    charge: fc.constantFrom("zero" as const, "partial" as const, "full" as const, "over" as const),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    extra: fc.integer({ min: 1, max: 50 }),
  }),
);

function charged(amount: number, s: Extract<Step, { kind: "settle" }>): number {
  if (s.charge === "zero") return 0;
  if (s.charge === "partial") return Math.floor(amount * s.fraction);
  if (s.charge === "full") return amount;
  return amount + s.extra;
}

describe("reserve / settle over any sequence", () => {
  it("never spends past the limit except by what settlements charged beyond their reservations, and holds exactly what is in flight", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.array(step, { maxLength: 200 }), (limit, steps) => {
        let counter: Counter = currentCounter(undefined, "day", NOW);
        const inFlight: number[] = [];
        let overCharged = 0;
        for (const s of steps) {
          if (s.kind === "admit") {
            if (fits(counter, limit, s.amount)) {
              counter = reserve(counter, s.amount);
              inFlight.push(s.amount);
            }
          } else if (inFlight.length > 0) {
            const [amount] = inFlight.splice(s.pick % inFlight.length, 1) as [number];
            const charge = charged(amount, s);
            overCharged += Math.max(0, charge - amount);
            counter = settle(counter, counter.period, amount, charge);
          }
          expect(counter.spent).toBeLessThanOrEqual(limit + overCharged);
          expect(counter.spent + counter.reserved).toBeLessThanOrEqual(limit + overCharged);
          expect(counter.reserved).toBe(inFlight.reduce((sum, amount) => sum + amount, 0));
        }
        // Everything settled: nothing is left reserved.
        for (const amount of inFlight.splice(0)) counter = settle(counter, counter.period, amount, 0);
        expect(counter.reserved).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses every further admission once the budget is spent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 0, max: 500 }), (limit, over) => {
        const spent: Counter = { ...currentCounter(undefined, "day", NOW), spent: limit + over };
        expect(fits(spent, limit, 1)).toBe(false);
        expect(fits(spent, limit, 0)).toBe(false);
      }),
    );
  });
});
