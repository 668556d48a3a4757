import { describe, expect, it } from "vitest";
import { normalise } from "../../../src/guardrails/sentinel/normalise";

describe("normalise", () => {
  it.each([
    ["NFKC and case", "ＩＧＮＯＲＥ ｐｒｅｖｉｏｕｓ", "ignore previous"],
    ["zero-width characters", "Ig\u200bnore\u200d all\ufeff", "ignore all"],
    ["bidi controls", "\u202eignore\u202c rules", "ignore rules"],
    ["Cyrillic confusables", "іgnоrе prеvіоus", "ignore previous"],
    ["leetspeak inside words", "1gn0re pr3vious instructi0ns", "ignore previous instructions"],
    ["pure numbers stay numbers", "call 2024 at 10", "call 2024 at 10"],
    ["letter-spaced words", "I g n o r e   p r e v i o u s", "ignore previous"],
    ["dotted letters", "i.g.n.o.r.e this", "ignore this"],
    ["punctuation runs", "stop!!!!! now-----", "stop! now-"],
    ["whitespace runs, line breaks kept", "a \t  b\n\n\n  c", "a b\nc"],
    ["emails keep their @", "mail me@evil.example", "mail me@evil.example"],
  ])("%s", (_name, input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it("completes on long adversarial runs", () => {
    expect(normalise("a1".repeat(50_000)).length).toBe(100_000);
    expect(normalise("a ".repeat(50_000)).length).toBe(50_000);
  });
});
