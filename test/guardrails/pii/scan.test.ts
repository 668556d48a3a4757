import { describe, expect, it } from "vitest";
import { detectPii, resolveOverlaps } from "../../../src/guardrails/pii/scan";

describe("detectPii", () => {
  it("returns typed, sorted, non-overlapping spans and no values", () => {
    const text = "Contact Chen Wang at khaddad@mail.example.org or +33 1 42 68 95 92 about the invoice.";
    const spans = detectPii(text);
    expect(spans.map((span) => span.type)).toEqual(["PERSON", "EMAIL", "PHONE"]);
    for (const span of spans) expect(Object.keys(span).sort()).toEqual(["end", "start", "type"]);
    expect(spans.every((span, i) => i === 0 || (spans[i - 1]?.end ?? 0) <= span.start)).toBe(true);
  });

  it("runs only the selected entities", () => {
    const text = "mail x@example.com, card 4111 1111 1111 1111";
    expect(detectPii(text, ["CREDIT_CARD"]).map((span) => span.type)).toEqual(["CREDIT_CARD"]);
    expect(detectPii(text, [])).toEqual([]);
  });

  it.each([
    ["Order #172 shipped on 2024-03-20; tracking 1Z172172."],
    ["ISBN 978-3-16-148410-0 is the second edition."],
    ["UUID 0df1e37e-b2a1-8a45-d9e7-fc0839802a57 identifies the job."],
    ["The commit hash is 5ebcef3f211081895fa0ea77b10e6c4572c15a0e."],
    ["Version string: v11.338.0-rc.1+build.338"],
    ["Upgrade from version 14.131.3 to 14.131.4 fixes the bug."],
    ["The timestamp 1700000210 is in seconds."],
    ["Request failed at 2024-05-01T12:30:45Z."],
    ["It costs $1,620.99 or 4 payments of $11.50."],
    ["Invoice INV-2024-00131 totals EUR 131,00."],
    ["Part number 5551234-107 is out of stock."],
    ["Room 423 on floor 23, building B, open 9:00-17:00."],
  ])("finds nothing in the look-alike %j", (text) => {
    expect(detectPii(text)).toEqual([]);
  });

  it("lets the higher-priority type win an overlap", () => {
    expect(
      resolveOverlaps([
        { type: "PHONE", start: 0, end: 10 },
        { type: "CREDIT_CARD", start: 2, end: 20 },
        { type: "PERSON", start: 25, end: 30 },
      ]),
    ).toEqual([
      { type: "CREDIT_CARD", start: 2, end: 20 },
      { type: "PERSON", start: 25, end: 30 },
    ]);
  });

  // Bounded work: each input would take minutes with a backtracking-prone pattern; here they must complete.
  it.each([
    ["long digit run", "7".repeat(100_000)],
    ["a@a@a@…", "a@".repeat(50_000)],
    ["dotted digits", "1.".repeat(50_000)],
    ["hex and colons", "ab:".repeat(33_000)],
    ["capitalised words after a cue", "my name is " + "Ab ".repeat(30_000)],
    ["spaced digits", "4 ".repeat(50_000)],
  ])("completes on adversarial input: %s", (_name, text) => {
    expect(Array.isArray(detectPii(text))).toBe(true);
  });
});
