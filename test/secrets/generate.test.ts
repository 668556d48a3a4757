import { describe, expect, it } from "vitest";
import { loadSigningKeys, type SigningKeyJwk } from "../../src/auth/signing-keys";
import { parseMasterKeys } from "../../src/secrets/master-keys";
import {
  addMasterKey,
  addSigningKey,
  generateMasterKey,
  generateOperatorToken,
  generateSigningJwk,
  generateSigningKeysSecret,
  pruneSigningKeys,
} from "../../src/secrets/generate";

const NOW = new Date("2026-07-01T12:00:00Z");

describe("generateSigningJwk", () => {
  it("makes a 2048-bit RS256 private JWK with a dated kid that loadSigningKeys accepts", async () => {
    const jwk = await generateSigningJwk(NOW);
    expect(jwk).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
    expect(jwk.kid).toMatch(/^2026-07-01-[0-9a-f]{6}$/);
    expect(jwk.n.length).toBe(342);
    expect(Object.keys(jwk)).not.toContain("key_ops");
    const keys = await loadSigningKeys(await generateSigningKeysSecret(NOW));
    expect(keys.verifiers).toHaveLength(1);
  });
});

describe("addSigningKey / pruneSigningKeys", () => {
  it("prepends the new key, retires the previous signer once, and prunes it after a day", async () => {
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => generateSigningJwk(NOW)));
    const one = JSON.stringify([first]);
    const two = JSON.parse(addSigningKey(one, second!, NOW)) as SigningKeyJwk[];
    expect(two.map((key) => [key.kid, key.retired_at])).toEqual([
      [second!.kid, undefined],
      [first!.kid, NOW.toISOString()],
    ]);
    const later = new Date(NOW.getTime() + 3_600_000);
    const three = JSON.parse(addSigningKey(JSON.stringify(two), third!, later)) as SigningKeyJwk[];
    expect(three.map((key) => key.retired_at)).toEqual([undefined, later.toISOString(), NOW.toISOString()]);

    expect(pruneSigningKeys(JSON.stringify(three), new Date(NOW.getTime() + 3_600_000)).removed).toEqual([]);
    const pruned = pruneSigningKeys(JSON.stringify(three), new Date(NOW.getTime() + 86_400_000 + 1_800_000));
    expect(pruned.removed).toEqual([first!.kid]);
    expect((JSON.parse(pruned.json) as SigningKeyJwk[]).map((key) => key.kid)).toEqual([third!.kid, second!.kid]);
  });
});

describe("master keys and operator token", () => {
  it("generateMasterKey gives v<n>:<base64 of 32 bytes> that parseMasterKeys accepts", async () => {
    const entry = generateMasterKey(3);
    expect(entry).toMatch(/^v3:[A-Za-z0-9+/]{43}=$/);
    expect((await parseMasterKeys(entry)).active.version).toBe("v3");
  });

  it("addMasterKey prepends the next version and keeps the old ones", () => {
    const rotated = addMasterKey(addMasterKey(generateMasterKey(1)));
    expect(rotated.split(",").map((entry) => entry.split(":")[0])).toEqual(["v3", "v2", "v1"]);
  });

  it("generateOperatorToken is long, prefixed and fresh each time", () => {
    const token = generateOperatorToken();
    expect(token).toMatch(/^tg_op_[0-9a-f]{64}$/);
    expect(generateOperatorToken()).not.toBe(token);
  });
});

describe("rotation helpers refuse a malformed current value without quoting it", () => {
  it.each([
    ["truncated JSON", '[{"kid":"k1","d":"SECRETPART'],
    ["not a list", '{"kid":"k1","d":"SECRETPART"}'],
    ["entries without kid", '[{"d":"SECRETPART"}]'],
  ])("%s", async (_label, value) => {
    const key = await generateSigningJwk(NOW);
    for (const attempt of [() => addSigningKey(value, key, NOW), () => pruneSigningKeys(value, NOW)]) {
      expect(attempt).toThrow(/^JWT_SIGNING_KEYS /);
      expect(attempt).not.toThrow(/SECRETPART/);
    }
  });
});
