import { describe, expect, it } from "vitest";
import { detectSsn, isValidSsn } from "../../../../src/guardrails/pii/detectors/ssn";
import { found } from "./spans";

describe("detectSsn", () => {
  it.each([
    ["my SSN is 123-45-6789.", "123-45-6789"],
    ["ssn 078 05 1120 on file", "078 05 1120"],
    ["SSN: 219099999", "219099999"],
    ["social security number 536-90-4399", "536-90-4399"],
  ])("finds %j", (text, expected) => {
    expect(found(detectSsn, text)).toEqual([expected]);
  });

  it.each([
    ["000-12-3456", "area 000"],
    ["666-12-3456", "area 666"],
    ["912-12-3456", "area 9xx"],
    ["123-00-4567", "group 00"],
    ["123-45-0000", "serial 0000"],
    ["123-45 6789", "mixed separators"],
    ["219099999", "bare nine digits without a cue"],
    ["INV-123-45-6789", "part of a longer dashed id"],
    ["Call 555-123-4567", "a phone number"],
  ])("rejects %s (%s)", (text) => {
    expect(found(detectSsn, text)).toEqual([]);
  });

  it("applies the SSA structural rules", () => {
    expect(isValidSsn("665", "01", "0001")).toBe(true);
    expect(isValidSsn("666", "01", "0001")).toBe(false);
  });
});
