import { describe, expect, it } from "vitest";
import { detectIban } from "../../../../src/guardrails/pii/detectors/iban";
import { found } from "./spans";

describe("detectIban", () => {
  it.each([
    ["to IBAN DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"],
    ["iban=NL91ABNA0417164300", "NL91ABNA0417164300"],
    ["GB82 WEST 1234 5698 7654 32 OK", "GB82 WEST 1234 5698 7654 32"],
    ["BE07 3086 8716 9899", "BE07 3086 8716 9899"], // national check digit off, mod-97 fine
  ])("finds %j", (text, expected) => {
    expect(found(detectIban, text)).toEqual([expected]);
  });

  it.each([
    ["DE89 3704 0044 0532 0130 01"], // mod-97 fails
    ["DE89 3704 0044 0532 0130"], // too short for Germany
    ["XX89 3704 0044 0532 0130 00"], // no such country
    ["Invoice INV-2024-00131 totals EUR 131,00."],
    ["AB12CD34EF56GH78"],
  ])("rejects %j", (text) => {
    expect(found(detectIban, text)).toEqual([]);
  });
});
