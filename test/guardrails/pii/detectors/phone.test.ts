import { describe, expect, it } from "vitest";
import { detectPhone } from "../../../../src/guardrails/pii/detectors/phone";
import { found } from "./spans";

describe("detectPhone", () => {
  it.each([
    ["call +33 1 42 68 78 05, after 5pm", "+33 1 42 68 78 05"],
    ["+81 3-1234-2523", "+81 3-1234-2523"],
    ["ring +49 30 90182083 now", "+49 30 90182083"],
    ["US office (212) 555-0352", "(212) 555-0352"],
    ["cell: 415-555-2671.", "415-555-2671"],
    ["+44 7911 123456 2024", "+44 7911 123456"],
  ])("finds a valid number in %j", (text, expected) => {
    expect(found(detectPhone, text)).toEqual([expected]);
  });

  it.each([
    ["The timestamp 1700000210 is in seconds."],
    ["Part number 5551234-107 is out of stock."],
    ["Order #535 shipped on 2024-03-13; tracking 1Z535535."],
    ["(170) 000-0210 has no valid area code"],
    ["Call the function with port 8080 and timeout 30000 ms."],
    ["Upgrade from version 14.131.3 to 14.131.4"],
    ["+1 000"],
  ])("ignores %j", (text) => {
    expect(found(detectPhone, text)).toEqual([]);
  });

  // Verdicts are reused within a call: a repeated number must be reported (or rejected) every time.
  it("reports each occurrence of a repeated number and rejects each repeated look-alike", () => {
    const text = "+44 20 7946 0958 or (170) 000-0210, again +44 20 7946 0958 or (170) 000-0210; +44 20 7946 0958 2024";
    expect(found(detectPhone, text)).toEqual(["+44 20 7946 0958", "+44 20 7946 0958", "+44 20 7946 0958"]);
  });

  it("finishes on 100k digits, pluses and separators", () => {
    expect(detectPhone("+1 ".repeat(30_000) + "9".repeat(20_000))).toEqual([]);
  });
});
