import { describe, expect, it } from "vitest";
import { detectDateOfBirth } from "../../../../src/guardrails/pii/detectors/date-of-birth";
import { found } from "./spans";

describe("detectDateOfBirth (heuristic)", () => {
  it.each([
    ["I was born on 28/10/1990; what", "28/10/1990"],
    ["DOB 22 March 1965, SSN", "22 March 1965"],
    ["DOB: 1988-07-14", "1988-07-14"],
    ["born December 9, 1906.", "December 9, 1906"],
    ["Her birthday is 3 Feb 1992", "3 Feb 1992"],
    ["date of birth: 04.04.1990", "04.04.1990"],
  ])("finds the date in %j", (text, expected) => {
    expect(found(detectDateOfBirth, text)).toEqual([expected]);
  });

  it.each([
    ["Meeting at 10.1.2024 in hall A."],
    ["Order #535 shipped on 2024-03-13"],
    ["The timestamp 1700000210 is in seconds."],
    ["born to run, released 1975-08-25"],
  ])("ignores a date without a birth cue: %j", (text) => {
    expect(found(detectDateOfBirth, text)).toEqual([]);
  });
});
