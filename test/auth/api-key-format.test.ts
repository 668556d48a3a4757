import { describe, expect, it } from "vitest";
import { apiKeyLookupIndex, apiKeyPrefix, generateApiKey, parseApiKey } from "../../src/auth/api-key-format";

describe("generateApiKey", () => {
  it("produces tg_sk_live_ + 32 lowercase hex that parses back", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^tg_sk_live_[0-9a-f]{32}$/);
    expect(parseApiKey(key)).toBe(key);
  });

  it("never repeats across many draws (CSPRNG, 128 bits)", () => {
    const keys = new Set(Array.from({ length: 500 }, generateApiKey));
    expect(keys.size).toBe(500);
  });
});

describe("parseApiKey", () => {
  const valid = "tg_sk_live_0123456789abcdef0123456789abcdef";
  it.each([
    ["", null],
    [valid, valid],
    [valid.toUpperCase(), null],
    ["tg_sk_live_0123456789ABCDEF0123456789abcdef", null],
    [`${valid}0`, null],
    [valid.slice(0, -1), null],
    [` ${valid}`, null],
    [`${valid}\n`, null],
    ["tg_sk_test_0123456789abcdef0123456789abcdef", null],
    ["tg_sk_live_0123456789abcdef0123456789abcdeg", null],
    ["sk-0123456789abcdef0123456789abcdef", null],
  ])("parseApiKey(%j) → %j", (input, expected) => {
    expect(parseApiKey(input)).toBe(expected);
  });
});

describe("apiKeyLookupIndex", () => {
  it("is the SHA-256 hex of the whole key", async () => {
    // printf %s tg_sk_live_0123456789abcdef0123456789abcdef | sha256sum
    expect(await apiKeyLookupIndex("tg_sk_live_0123456789abcdef0123456789abcdef")).toBe(
      "44e140e9937f78635a0fdbe3515e5a8e3371961f2f6bc24af5fc50f7c9b35001",
    );
  });

  it("differs for keys that differ in one character", async () => {
    const a = await apiKeyLookupIndex("tg_sk_live_0123456789abcdef0123456789abcdef");
    const b = await apiKeyLookupIndex("tg_sk_live_0123456789abcdef0123456789abcdee");
    expect(a).not.toBe(b);
  });
});

describe("apiKeyPrefix", () => {
  it("shows the fixed prefix and 5 random characters, never the rest", () => {
    const key = "tg_sk_live_0123456789abcdef0123456789abcdef";
    expect(apiKeyPrefix(key)).toBe("tg_sk_live_01234…");
    expect(apiKeyPrefix(key)).not.toContain("56789abcdef");
  });
});
