import { describe, expect, it } from "vitest";
import { detectPerson } from "../../../../src/guardrails/pii/detectors/person";
import { found } from "./spans";

describe("detectPerson (heuristic)", () => {
  it.each([
    ["Hi, I'm Chen Silva and I need help", ["Chen Silva"]],
    ["My name is Grace Hopper.", ["Grace Hopper"]],
    ["Contact Maria Müller at the desk", ["Maria Müller"]],
    ["Patient Ana-Lucía Pérez, DOB", ["Ana-Lucía Pérez"]],
    ["forward this to Dr. Okonkwo before noon", ["Okonkwo"]],
    ["Dear Ms Nakamura,", ["Nakamura"]],
  ])("finds the name in %j", (text, expected) => {
    expect(found(detectPerson, text)).toEqual(expected);
  });

  it.each([
    ["I'm Happy to help"],
    ["Hi team, the build is green"],
    ["Contact Customer Service for help"],
    ["The first edition came out in March 1925 in New York."],
    ["I am using Python Flask"],
  ])("ignores %j", (text) => {
    expect(found(detectPerson, text)).toEqual([]);
  });
});
