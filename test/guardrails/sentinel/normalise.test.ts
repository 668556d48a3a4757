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
    // Edge cases of the single-pass rewrite, each checked against the earlier regex-per-step version.
    ["spaced run backs off a trailing word", "a b c dd", "abc dd"],
    ["spaced run needs three letters", "a b cd", "a b cd"],
    ["spaced run after a digit", "2a b c", "2abc"],
    ["leet next to a spaced run", "1a b c", "ia b c"],
    ["spaced run ends before punctuation", "a.b.c...", "abc."],
    ["separators must repeat", "a b.c.d", "a bcd"],
    ["trailing bang is punctuation", "h3llo!", "hello!"],
    ["leading @ is leet, inner @ is not", "@dm1n me@x.io", "admin me@x.io"],
    ["control characters collapse like punctuation", "a\u0000\u0000\u0000b\u0000\u0000", "a\u0000b\u0000\u0000"],
    ["CRLF and tabs", "\tline one\r\n\r\n line two \t", "line one\nline two"],
    ["non-ASCII punctuation runs", "wait。。。 ok😀😀😀", "wait。 ok😀"],
    ["Unicode spaces", "a\u1680\u00a0b", "a b"],
  ])("%s", (_name, input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it("completes on long adversarial runs", () => {
    expect(normalise("a1".repeat(50_000)).length).toBe(100_000);
    expect(normalise("a ".repeat(50_000)).length).toBe(50_000);
  });
});
