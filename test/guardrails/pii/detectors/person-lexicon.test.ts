import { describe, expect, it } from "vitest";
import { detectPerson } from "../../../../src/guardrails/pii/detectors/person";
import { found } from "./spans";

describe("detectPerson without cue words (name lexicon)", () => {
  it.each([
    ["Yesterday Maria Ivanova met the board.", ["Maria Ivanova"]],
    ["The speech by John F. Kennedy was short.", ["John F. Kennedy"]],
    ["Thanks to Thomas Müller for the review", ["Thomas Müller"]],
    ["Grace Hopper invented COBOL", ["Grace Hopper"]],
    ["Will Smith starred in it.", ["Will Smith"]],
    ["David lives on Rue Dielhère 130 in Liège.", ["David"]],
    ["Ask Sarah about the invoice.", ["Sarah"]],
  ])("finds the name in %j", (text, expected) => {
    expect(found(detectPerson, text)).toEqual(expected);
  });

  it.each([
    ["Will you help me with the Rose Garden in May?"],
    ["I visited Paris and Florence in June."],
    ["Paris Hilton"],
    ["The Ford Fiesta is small."],
    ["Mark the box and Grant access."],
    ["Johns Hopkins University is in Baltimore"],
    ["Victoria Station at noon"],
    ["Jordan River flows south"],
    ["Georgia Tech and Julia Set fractals"],
    ["Summarise the quarterly report for the board."],
    ["Please email Apple Support"],
  ])("ignores common words, places and organisations in %j", (text) => {
    expect(found(detectPerson, text)).toEqual([]);
  });
});
