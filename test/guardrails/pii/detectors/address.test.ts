import { describe, expect, it } from "vitest";
import { detectAddress } from "../../../../src/guardrails/pii/detectors/address";
import { found } from "./spans";

describe("detectAddress (heuristic)", () => {
  it.each([
    ["Ship it to 6051 Oak Street, Portland, OR 97201.", ["6051 Oak Street, Portland, OR 97201"]],
    ["9521 Elm Blvd, Portland, OR 97201", ["9521 Elm Blvd, Portland, OR 97201"]],
    ["10 Downing Street, London SW1A 2AA", ["10 Downing Street, London SW1A 2AA"]],
    ["meet at 221B Baker Street.", ["221B Baker Street"]],
    ["12 Main St. Apt 4", ["12 Main St. Apt 4"]],
  ])("finds the address in %j", (text, expected) => {
    expect(found(detectAddress, text)).toEqual(expected);
  });

  it.each([["Room 423 on floor 23, building B"], ["We sold 40 Apple Watches"], ["3 Ways to improve"]])(
    "ignores %j",
    (text) => {
      expect(found(detectAddress, text)).toEqual([]);
    },
  );
});
