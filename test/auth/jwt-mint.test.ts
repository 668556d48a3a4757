import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { MintRequest, mintProjectJwt } from "../../src/auth/jwt-mint";
import type { SigningKeySet } from "../../src/auth/signing-keys";
import { AUDIENCE, freshJwks, ISSUER, keySet, NOW, NOW_S, PROJECT } from "./jwt-fixtures";

let keys: SigningKeySet;
beforeAll(async () => {
  keys = await keySet(await freshJwks(1));
});

const claims = { tid: "ten_1", pid: PROJECT, uid: "user-42", role: "user", scp: ["chat"] };

describe("mintProjectJwt", () => {
  it("signs RS256 with the active kid and every SPEC claim", async () => {
    const minted = await mintProjectJwt({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      claims: { ...claims, tier: "premium" },
      ttlSeconds: 900,
      now: NOW,
    });
    expect(decodeProtectedHeader(minted.token)).toEqual({ alg: "RS256", typ: "JWT", kid: keys.active.kid });
    expect(decodeJwt(minted.token)).toEqual({
      ...claims,
      tier: "premium",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 900,
      jti: minted.jti,
    });
    expect(minted.expiresAt).toBe(NOW_S + 900);
  });

  it("omits tier when none is given and draws a fresh jti per token", async () => {
    const a = await mintProjectJwt({ keys, issuer: ISSUER, audience: AUDIENCE, claims, ttlSeconds: 60, now: NOW });
    const b = await mintProjectJwt({ keys, issuer: ISSUER, audience: AUDIENCE, claims, ttlSeconds: 60, now: NOW });
    expect(decodeJwt(a.token)).not.toHaveProperty("tier");
    expect(a.jti).not.toBe(b.jti);
  });

  it.each([59, 86_401, 1.5, Number.NaN])("refuses ttlSeconds %s", async (ttlSeconds) => {
    await expect(
      mintProjectJwt({ keys, issuer: ISSUER, audience: AUDIENCE, claims, ttlSeconds, now: NOW }),
    ).rejects.toThrow(RangeError);
  });
});

describe("MintRequest (POST /auth/v1/auth/mint body)", () => {
  it.each([
    [{ user_id: "u1" }, { user_id: "u1", ttl_seconds: 3600 }],
    [
      { user_id: "u1", ttl_seconds: 60 },
      { user_id: "u1", ttl_seconds: 60 },
    ],
    [
      { user_id: "u1", ttl_seconds: 86_400, tier: "premium", role: "admin", scopes: ["chat"] },
      { user_id: "u1", ttl_seconds: 86_400, tier: "premium", role: "admin", scopes: ["chat"] },
    ],
  ])("accepts %j", (body, expected) => {
    expect(MintRequest.parse(body)).toEqual(expected);
  });

  it.each([
    ["no user_id", {}],
    ["empty user_id", { user_id: "" }],
    ["user_id over 256 chars", { user_id: "u".repeat(257) }],
    ["ttl below 60", { user_id: "u1", ttl_seconds: 59 }],
    ["ttl above a day", { user_id: "u1", ttl_seconds: 86_401 }],
    ["fractional ttl", { user_id: "u1", ttl_seconds: 90.5 }],
    ["ttl as a string", { user_id: "u1", ttl_seconds: "3600" }],
    ["scopes not a list", { user_id: "u1", scopes: "chat" }],
    ["an attempt to pick the project", { user_id: "u1", pid: "prj_other" }],
    ["an attempt to pick the tenant", { user_id: "u1", tid: "ten_other" }],
  ])("refuses %s", (_label, body) => {
    expect(MintRequest.safeParse(body).success).toBe(false);
  });
});
