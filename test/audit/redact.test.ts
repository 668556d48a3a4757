import { describe, expect, it } from "vitest";
import { isSecretMember, redactSecrets } from "../../src/audit/redact";

describe("redactSecrets", () => {
  it.each([
    ["key", true],
    ["api_key", true],
    ["apiKey", true],
    ["hash", true],
    ["lookup_index", true],
    ["lookupIndex", true],
    ["ciphertext", true],
    ["admin_credential", true],
    ["token", true],
    ["secret", true],
    ["Authorization", true],
    ["prefix", false],
    ["fingerprint", false],
    ["name", false],
    ["keys", false],
    ["key_id", false],
    ["system_prompt", false],
  ])("member %s is secret: %s", (name, secret) => {
    expect(isSecretMember(name)).toBe(secret);
  });

  it("drops secret members at any depth and names what it dropped", () => {
    const input = {
      id: "key_1",
      key: "tg_sk_live_0123456789abcdef0123456789abcdef",
      prefix: "tg_sk_live_0123",
      nested: { ciphertext: "v1.AAAA", provider: "openai", list: [{ hash: "$argon2id$...", role: "user" }] },
    };
    expect(redactSecrets(input)).toEqual({
      id: "key_1",
      prefix: "tg_sk_live_0123",
      _redacted: ["key"],
      nested: { provider: "openai", _redacted: ["ciphertext"], list: [{ role: "user", _redacted: ["hash"] }] },
    });
  });

  it("passes scalars and null through unchanged", () => {
    for (const value of [null, 1, "text", true]) expect(redactSecrets(value)).toBe(value);
  });
});
