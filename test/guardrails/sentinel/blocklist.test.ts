import { describe, expect, it } from "vitest";
import { checkPattern, validateBlocklist } from "../../../src/guardrails/sentinel/blocklist";

describe("validateBlocklist", () => {
  it("compiles phrases (normalised) and safe regexes", () => {
    const result = validateBlocklist(["Project Nightjar", "/order \\d{5}/i", "/(?:wire|send) .{0,40} bitcoin/"]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compiled.phrases).toEqual(["project nightjar"]);
    expect(result.compiled.patterns.map(String)).toEqual(["/order \\d{5}/i", "/(?:wire|send) .{0,40} bitcoin/"]);
  });

  it("refuses a regex that would backtrack catastrophically, naming the entry", () => {
    const result = validateBlocklist(["fine phrase", "/(a+)+$/"]);
    expect(result).toEqual({ ok: false, errors: [{ index: 1, reason: expect.stringMatching(/unbounded|nested/) }] });
  });

  it.each([
    ["(a{1,5}){1,5}", "nested quantifier"],
    ["(x+x+)+y", "unbounded"],
    [".*secret", "unbounded"],
    ["(\\w+)\\s\\1", "unbounded"],
    ["(\\w{1,9})\\s\\1", "backreferences"],
    ["\\d{0,99}\\d{0,99}\\d{0,99}", "too many ways"],
    ["a".repeat(201), "longer than"],
    ["(unclosed", "not a valid"],
  ])("rejects /%s/ (%s)", (source, reason) => {
    expect(checkPattern(source, "")).toContain(reason);
  });

  it.each([["(?:ignore|bypass) .{0,40} rules"], ["[+*]{1,3}"], ["\\+\\d{1,3}"], ["(?<name>abc){2}"], ["\\p{Lu}{2,4}"]])(
    "accepts /%s/",
    (source) => {
      expect(checkPattern(source, source.includes("\\p") ? "u" : "")).toBeNull();
    },
  );

  it("rejects unknown flags and empty phrases", () => {
    expect(checkPattern("abc", "g")).toContain("flags");
    expect(validateBlocklist(["   "])).toEqual({ ok: false, errors: [{ index: 0, reason: "empty phrase" }] });
  });
});
