import { beforeAll, describe, expect, it } from "vitest";
import { mintProjectJwt } from "../../src/auth/jwt-mint";
import { verifyProjectJwt } from "../../src/auth/jwt-verify";
import { loadSigningKeys, type SigningKeyJwk } from "../../src/auth/signing-keys";
import { GatewayError } from "../../src/errors";
import { addSigningKey } from "../../src/secrets/generate";
import { AUDIENCE, freshJwks, ISSUER, keySet, NOW, PROJECT } from "./jwt-fixtures";

const PRIVATE_FIELDS = ["d", "p", "q", "dp", "dq", "qi", "retired_at", "key_ops", "ext"];
const DAY_MS = 86_400_000;

let oldKey: SigningKeyJwk;
let newKey: SigningKeyJwk;

beforeAll(async () => {
  [oldKey, newKey] = (await freshJwks(2)) as [SigningKeyJwk, SigningKeyJwk];
});

const mint = (keys: Awaited<ReturnType<typeof keySet>>, now = NOW) =>
  mintProjectJwt({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    claims: { tid: "ten_1", pid: PROJECT, uid: "u1", role: "user", scp: [] },
    ttlSeconds: 86_400,
    now,
  });
const verify = (token: string, keys: Awaited<ReturnType<typeof keySet>>, now = NOW) =>
  verifyProjectJwt(token, { keys, issuer: ISSUER, audience: AUDIENCE, projectId: PROJECT, now });
const kidOf = (token: string) => JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).kid;

describe("JWKS", () => {
  it("publishes exactly kty, n, e, kid, alg, use for every key, and no private part", async () => {
    const keys = await keySet([newKey, { ...oldKey, retired_at: NOW.toISOString() }]);
    expect(keys.jwks.keys.map((key) => key.kid)).toEqual([newKey.kid, oldKey.kid]);
    for (const published of keys.jwks.keys) {
      expect(Object.keys(published).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(published).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    }
    const serialised = JSON.stringify(keys.jwks);
    for (const field of PRIVATE_FIELDS) expect(serialised).not.toContain(`"${field}"`);
    expect(serialised).not.toContain(newKey.d);
    expect(serialised).not.toContain(oldKey.p);
  });
});

describe("rotation", () => {
  it("new key signs new tokens; tokens of the old key verify while it is published", async () => {
    const before = await keySet([oldKey]);
    const oldToken = (await mint(before)).token;
    expect(kidOf(oldToken)).toBe(oldKey.kid);

    const after = await loadSigningKeys(addSigningKey(JSON.stringify([oldKey]), newKey, NOW), NOW);
    const newToken = (await mint(after)).token;
    expect(kidOf(newToken)).toBe(newKey.kid);
    expect((await verify(oldToken, after)).ok).toBe(true);
    expect((await verify(newToken, after)).ok).toBe(true);
    // A verifier still on the old set does not know the new key yet: deploy the secret before minting.
    expect(await verify(newToken, before)).toEqual({ ok: false, code: "invalid_token" });
  });

  it("keeps a retired key published for the longest TTL plus grace, then drops it", async () => {
    const secret = JSON.stringify([newKey, { ...oldKey, retired_at: NOW.toISOString() }]);
    const oldToken = (await mint(await keySet([oldKey]), new Date(NOW.getTime() - 1000))).token;

    const lastMoment = new Date(NOW.getTime() + DAY_MS - 60_000);
    const stillThere = await loadSigningKeys(secret, lastMoment);
    expect(stillThere.jwks.keys.map((key) => key.kid)).toContain(oldKey.kid);
    expect((await verify(oldToken, stillThere, lastMoment)).ok).toBe(true);

    const later = new Date(NOW.getTime() + DAY_MS + 600_000);
    const dropped = await loadSigningKeys(secret, later);
    expect(dropped.jwks.keys.map((key) => key.kid)).toEqual([newKey.kid]);
    expect(await verify(oldToken, dropped, later)).toEqual({ ok: false, code: "invalid_token" });
  });

  it("never retires the active signer", async () => {
    await expect(loadSigningKeys(JSON.stringify([{ ...newKey, retired_at: NOW.toISOString() }]))).rejects.toThrow(
      /first \(active\) key/,
    );
  });
});

describe("loadSigningKeys refuses a malformed secret as misconfigured, naming no key material", () => {
  const cases: [string, () => unknown][] = [
    ["not JSON", () => "{oops"],
    ["an empty list", () => []],
    ["an object instead of a list", () => ({ keys: [newKey] })],
    ["a public key only", () => [{ kty: "RSA", kid: "pub", n: newKey.n, e: newKey.e }]],
    ["an EC key", () => [{ ...newKey, kty: "EC" }]],
    ["a key for another algorithm", () => [{ ...newKey, alg: "RS512" }]],
    ["a missing kid", () => [{ ...newKey, kid: undefined }]],
    ["duplicate kids", () => [newKey, { ...oldKey, kid: newKey.kid }]],
    ["a 1024-bit modulus", () => [{ ...newKey, n: newKey.n.slice(0, 171) }]],
    ["a bad retired_at", () => [newKey, { ...oldKey, retired_at: "yesterday" }]],
  ];
  it.each(cases)("%s", async (_label, make) => {
    const value = make();
    const secret = typeof value === "string" ? value : JSON.stringify(value);
    const error = await loadSigningKeys(secret).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("misconfigured");
    expect((error as GatewayError).message).not.toContain(newKey.d.slice(0, 20));
    expect((error as GatewayError).message).not.toContain(newKey.n.slice(0, 20));
  });
});
