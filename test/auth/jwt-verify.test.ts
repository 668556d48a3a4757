import { importJWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { mintProjectJwt } from "../../src/auth/jwt-mint";
import { readBearer, verifyProjectJwt, type VerifyOptions } from "../../src/auth/jwt-verify";
import type { SigningKeyJwk, SigningKeySet } from "../../src/auth/signing-keys";
import {
  AUDIENCE,
  b64urlJson,
  freshJwks,
  ISSUER,
  keySet,
  NOW,
  NOW_S,
  PROJECT,
  signRaw,
  validPayload,
} from "./jwt-fixtures";

let signer: SigningKeyJwk;
let stranger: SigningKeyJwk;
let keys: SigningKeySet;
let options: VerifyOptions;

beforeAll(async () => {
  [signer, stranger] = (await freshJwks(2)) as [SigningKeyJwk, SigningKeyJwk];
  keys = await keySet([signer]);
  options = { keys, issuer: ISSUER, audience: AUDIENCE, projectId: PROJECT, now: NOW };
});

describe("verifyProjectJwt accepts", () => {
  it("a token from mintProjectJwt, returning its claims", async () => {
    const minted = await mintProjectJwt({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      claims: { tid: "ten_1", pid: PROJECT, uid: "user-42", role: "user", scp: [], tier: "premium" },
      ttlSeconds: 3600,
      now: NOW,
    });
    const result = await verifyProjectJwt(minted.token, options);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ tid: "ten_1", pid: PROJECT, uid: "user-42", tier: "premium", jti: minted.jti }),
    });
  });

  it("a token without scp, defaulting it to []", async () => {
    const { scp: _omitted, ...payload } = validPayload();
    const result = await verifyProjectJwt(await signRaw(signer, payload), options);
    expect(result.ok && result.claims.scp).toEqual([]);
  });

  it.each([
    ["nbf 29 s ahead (inside the 30 s skew)", { nbf: NOW_S + 29 }],
    ["exp 29 s past (inside the 30 s skew)", { exp: NOW_S - 29 }],
  ])("%s", async (_label, overrides) => {
    expect((await verifyProjectJwt(await signRaw(signer, validPayload(overrides)), options)).ok).toBe(true);
  });
});

describe("verifyProjectJwt refuses", () => {
  const unsigned = (header: object, payload: object, signature = "") =>
    `${b64urlJson(header)}.${b64urlJson(payload)}.${signature}`;

  it("alg none, with and without a signature part", async () => {
    for (const token of [
      unsigned({ alg: "none", kid: signer.kid }, validPayload()),
      unsigned({ alg: "none", kid: signer.kid }, validPayload(), "AAAA"),
      unsigned({ alg: "None", typ: "JWT" }, validPayload()),
    ]) {
      expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "invalid_token" });
    }
  });

  it("HS256 signed with the public key as the HMAC secret (algorithm confusion)", async () => {
    const publicKey = await crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: signer.n, e: signer.e },
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["verify"],
    );
    const spki = new Uint8Array((await crypto.subtle.exportKey("spki", publicKey)) as ArrayBuffer);
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----\n`;
    const secrets = [pem, JSON.stringify({ kty: "RSA", n: signer.n, e: signer.e }), signer.n];
    for (const secret of secrets) {
      const token = await new SignJWT(validPayload())
        .setProtectedHeader({ alg: "HS256", kid: signer.kid })
        .sign(new TextEncoder().encode(secret));
      expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "invalid_token" });
    }
  });

  it("a token carrying its own key in the header (jwk / jku) that is not ours", async () => {
    const { kty, n, e, d, p, q, dp, dq, qi } = stranger;
    const strangerKey = await importJWK({ kty, n, e, d, p, q, dp, dq, qi }, "RS256");
    for (const header of [
      { alg: "RS256", kid: stranger.kid, jwk: { kty, n, e } },
      { alg: "RS256", kid: stranger.kid, jku: "https://evil.example/jwks.json" },
      { alg: "RS256", kid: signer.kid, jwk: { kty, n, e } },
    ]) {
      const token = await new SignJWT(validPayload()).setProtectedHeader(header).sign(strangerKey);
      expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "invalid_token" });
    }
  });

  it.each([
    ["an unknown kid", async () => signRaw(signer, validPayload(), { kid: "no-such-kid" })],
    ["no kid at all", async () => signRaw(signer, validPayload(), { kid: "" })],
    [
      "a key outside the set, claiming the active kid",
      async () => signRaw(stranger, validPayload(), { kid: signer.kid }),
    ],
    ["RS512 with the right key", async () => signRaw(signer, validPayload(), { alg: "RS512" })],
    ["PS256 with the right key", async () => signRaw(signer, validPayload(), { alg: "PS256" })],
    ["nbf 31 s ahead (beyond skew)", async () => signRaw(signer, validPayload({ nbf: NOW_S + 31 }))],
    ["a wrong issuer", async () => signRaw(signer, validPayload({ iss: "https://evil.example" }))],
    ["a wrong audience", async () => signRaw(signer, validPayload({ aud: "someone-else" }))],
    ["scp that is not a list", async () => signRaw(signer, validPayload({ scp: "admin" }))],
    ["an empty uid", async () => signRaw(signer, validPayload({ uid: "" }))],
  ])("%s → invalid_token", async (_label, makeToken) => {
    expect(await verifyProjectJwt(await makeToken(), options)).toEqual({ ok: false, code: "invalid_token" });
  });

  it.each(["tid", "pid", "uid", "role", "jti", "iat", "nbf", "exp", "iss", "aud"])(
    "a token missing %s → invalid_token",
    async (claim) => {
      const payload = validPayload();
      delete payload[claim];
      expect(await verifyProjectJwt(await signRaw(signer, payload), options)).toEqual({
        ok: false,
        code: "invalid_token",
      });
    },
  );

  it("a tampered payload (uid swapped, signature kept)", async () => {
    const [header, , signature] = (await signRaw(signer, validPayload())).split(".");
    const forged = `${header}.${b64urlJson(validPayload({ uid: "admin" }))}.${signature}`;
    expect(await verifyProjectJwt(forged, options)).toEqual({ ok: false, code: "invalid_token" });
  });

  it.each(["", "garbage", "a.b.c", "a.b", `${"x".repeat(9000)}.a.b`])("a malformed token %j", async (token) => {
    expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "invalid_token" });
  });

  it("an expired token → token_expired", async () => {
    const token = await signRaw(signer, validPayload({ exp: NOW_S - 31 }));
    expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "token_expired" });
  });

  it("a minted token once its TTL has passed → token_expired", async () => {
    const { token } = await mintProjectJwt({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      claims: { tid: "ten_1", pid: PROJECT, uid: "u", role: "user", scp: [] },
      ttlSeconds: 60,
      now: NOW,
    });
    const later = new Date(NOW.getTime() + 91_000);
    expect(await verifyProjectJwt(token, { ...options, now: later })).toEqual({ ok: false, code: "token_expired" });
  });

  it("a valid token for another project → wrong_project", async () => {
    const token = await signRaw(signer, validPayload({ pid: "prj_other" }));
    expect(await verifyProjectJwt(token, options)).toEqual({ ok: false, code: "wrong_project" });
  });
});

describe("readBearer", () => {
  it.each([
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer abc.def.ghi", "abc.def.ghi"],
    ["BEARER abc.def-_ghi", "abc.def-_ghi"],
    ["", null],
    ["Bearer", null],
    ["Bearer ", null],
    ["Bearer  x", null],
    ["Bearer x ", null],
    [" Bearer x", null],
    ["Basic x", null],
    ["bearer x y", null],
    ["Bearer\tx", null],
    ["Bearer a.b\nc", null],
    ["Bearerx", null],
    ["Token x", null],
  ])("readBearer(%j) → %j", (header, expected) => {
    expect(readBearer(header)).toBe(expected);
  });

  it("returns null when the header is absent", () => {
    expect(readBearer(null)).toBeNull();
    expect(readBearer(undefined)).toBeNull();
  });
});
