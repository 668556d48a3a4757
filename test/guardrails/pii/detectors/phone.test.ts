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
    ["Swiss office: 056 590 36 33.", "056 590 36 33"],
    ["Handy 0680 298 70 63 (Austria)", "0680 298 70 63"],
    ["London 020 7946 0958", "020 7946 0958"],
    ["Paris 01 42 68 78 05", "01 42 68 78 05"],
    ["Sydney (02) 9374 4000", "(02) 9374 4000"],
    ["Berlin 030/901820", "030/901820"],
    ["mobile 06 12 34 56 78", "06 12 34 56 78"],
    ["Brussels 0471 23 45 67", "0471 23 45 67"],
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
    ["ISBN 0-306-40615-2 is the second edition."],
    ["Meeting on 01.02.2024 at 10:00."],
    ["Released 2024-03-13, build 0.13.2024"],
    ["Invoice INV-0123-4567 totals EUR 1,200."],
    ["Compute 0 12 34 56 + 7 in python."],
  ])("ignores %j", (text) => {
    expect(found(detectPhone, text)).toEqual([]);
  });

  // Verdicts are reused within a call: a repeated number must be reported (or rejected) every time.
  it("reports each occurrence of a repeated number and rejects each repeated look-alike", () => {
    const text = "+44 20 7946 0958 or (170) 000-0210, again +44 20 7946 0958 or (170) 000-0210; +44 20 7946 0958 2024";
    expect(found(detectPhone, text)).toEqual(["+44 20 7946 0958", "+44 20 7946 0958", "+44 20 7946 0958"]);
  });

  it("tries only the configured regions: a Swiss number is not one when only US and GB are listed", () => {
    expect(found((text) => detectPhone(text, { phoneRegions: ["US", "GB"] }), "call 056 590 36 33")).toEqual([]);
    expect(found((text) => detectPhone(text, { phoneRegions: ["CH"] }), "call 056 590 36 33")).toEqual([
      "056 590 36 33",
    ]);
  });

  it("with no regions finds international numbers only", () => {
    const text = "+41 56 590 36 33 or 056 590 36 33 or (212) 555-0352";
    expect(found((value) => detectPhone(value, { phoneRegions: [] }), text)).toEqual(["+41 56 590 36 33"]);
  });

  it("reports a North American number after +1 once", () => {
    expect(found(detectPhone, "call +1 212 555 0352")).toEqual(["+1 212 555 0352"]);
  });

  it("finishes on 100k digits, pluses and separators", () => {
    expect(detectPhone("+1 ".repeat(30_000) + "9".repeat(20_000))).toEqual([]);
  });
});
