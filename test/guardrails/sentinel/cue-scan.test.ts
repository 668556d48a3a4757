import { describe, expect, it } from "vitest";
import { buildCueIndex, scanCues } from "../../../src/guardrails/sentinel/cue-scan";

const codes = (text: string) => Uint16Array.from(text, (char) => char.charCodeAt(0));
const found = (cues: string[], text: string) => {
  const seen = scanCues(buildCueIndex(cues), codes(text));
  return cues.filter((_, id) => seen[id] === 1);
};

describe("scanCues", () => {
  it.each<[string, string[], string, string[]]>([
    ["overlapping cues all reported", ["he", "she", "hers", "his"], "ushers", ["he", "she", "hers"]],
    ["a cue inside a longer cue", ["system prompt", "prompt"], "the system prompt", ["system prompt", "prompt"]],
    ["failure links across a near miss", ["abcd", "bce"], "abce", ["bce"]],
    ["nothing in ordinary text", ["ignore ", "act as"], "a quarterly report", []],
    ["leading boundary", ["\\bdan\\b"], "abundant dance", []],
    ["boundary satisfied by punctuation and ends", ["\\bdan\\b"], "dan.", ["\\bdan\\b"]],
    ["boundary before only", ["\\bstan"], "standard", ["\\bstan"]],
    ["boundary counts _ as a word character", ["\\bdan\\b"], "x_dan", []],
    ["punctuation cues", ["<|", "![", "/etc/passwd"], "cat /etc/passwd <|im_start|>", ["<|", "/etc/passwd"]],
    ["non-ASCII text resets the automaton", ["ab"], "aéb ab", ["ab"]],
    ["non-ASCII between halves is no match", ["ab"], "aéb", []],
  ])("%s", (_name, cues, text, expected) => {
    expect(found(cues, text)).toEqual(expected);
  });

  it("refuses cues it cannot honour", () => {
    expect(() => buildCueIndex(["é"])).toThrow(/ASCII/);
    expect(() => buildCueIndex(["\\b<x"])).toThrow(/non-word/);
    expect(() => buildCueIndex(["\\b"])).toThrow();
  });

  it("completes on a long text of near misses", () => {
    const seen = scanCues(buildCueIndex(["aaaaaaaab", "ab"]), codes("a".repeat(200_000)));
    expect([...seen]).toEqual([0, 0]);
  });
});
