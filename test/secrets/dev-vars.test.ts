import { describe, expect, it } from "vitest";
import { formatDevVar, mergeDevVars, readDevVars, setDevVar } from "../../src/secrets/dev-vars";

describe("readDevVars", () => {
  it("reads the quoting styles wrangler's dotenv accepts", () => {
    const text = [
      "# comment",
      "",
      'A="double"',
      'B=\'[{"kid":"k1"}]\'',
      "C=bare # trailing comment",
      "export D=exported",
    ].join("\n");
    expect(Object.fromEntries(readDevVars(text))).toEqual({
      A: "double",
      B: '[{"kid":"k1"}]',
      C: "bare",
      D: "exported",
    });
  });
});

describe("formatDevVar", () => {
  it.each([
    ["OPERATOR_TOKEN", "tg_op_abc", 'OPERATOR_TOKEN="tg_op_abc"'],
    ["JWT_SIGNING_KEYS", '[{"kid":"k1"}]', 'JWT_SIGNING_KEYS=\'[{"kid":"k1"}]\''],
  ])("formatDevVar(%s) round-trips through readDevVars", (name, value, line) => {
    expect(formatDevVar(name, value)).toBe(line);
    expect(readDevVars(line).get(name)).toBe(value);
  });

  it("refuses values dotenv cannot carry", () => {
    expect(() => formatDevVar("X", "a\nb")).toThrow();
    expect(() => formatDevVar("X", `"'`)).toThrow();
  });
});

describe("mergeDevVars", () => {
  it("adds what is missing and never overwrites an existing value", () => {
    const existing = 'OPERATOR_TOKEN="keep-me"\nOTHER=1';
    const merged = mergeDevVars(existing, { OPERATOR_TOKEN: "new", BYOK_MASTER_KEYS: "v1:abc" });
    expect(merged.added).toEqual(["BYOK_MASTER_KEYS"]);
    expect(merged.kept).toEqual(["OPERATOR_TOKEN"]);
    expect(Object.fromEntries(readDevVars(merged.text))).toEqual({
      OPERATOR_TOKEN: "keep-me",
      OTHER: "1",
      BYOK_MASTER_KEYS: "v1:abc",
    });
  });

  it("leaves the text byte-for-byte alone when nothing is missing", () => {
    const existing = 'A="1"\n';
    expect(mergeDevVars(existing, { A: "2" }).text).toBe(existing);
  });
});

describe("setDevVar", () => {
  it("replaces one value in place for a rotation, keeping the other lines", () => {
    const text = '# secrets\nA="1"\nBYOK_MASTER_KEYS="v1:old"\nZ="9"\n';
    const updated = setDevVar(text, "BYOK_MASTER_KEYS", "v2:new,v1:old");
    expect(updated).toBe('# secrets\nA="1"\nBYOK_MASTER_KEYS="v2:new,v1:old"\nZ="9"\n');
  });

  it("appends when the name is absent", () => {
    expect(readDevVars(setDevVar('A="1"', "B", "2")).get("B")).toBe("2");
  });
});
