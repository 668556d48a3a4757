import { importJWK, SignJWT, type JWTPayload } from "jose";
import { loadSigningKeys, type SigningKeyJwk, type SigningKeySet } from "../../src/auth/signing-keys";
import { generateSigningJwk } from "../../src/secrets/generate";

/** Frozen clock for every JWT test: 2026-07-01T12:00:00Z. */
export const NOW = new Date("2026-07-01T12:00:00Z");
export const NOW_S = Math.floor(NOW.getTime() / 1000);
export const ISSUER = "https://api.tollgate.test";
export const AUDIENCE = "tollgate";
export const PROJECT = "prj_amber";

export async function keySet(jwks: SigningKeyJwk[], now: Date = NOW): Promise<SigningKeySet> {
  return loadSigningKeys(JSON.stringify(jwks), now);
}

/** A complete, valid payload for PROJECT; tests delete or override fields from it. */
export function validPayload(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    tid: "ten_1",
    pid: PROJECT,
    uid: "user-42",
    role: "user",
    scp: ["chat"],
    iss: ISSUER,
    aud: AUDIENCE,
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 600,
    jti: "jti-1",
    ...overrides,
  };
}

/** Signs any payload with any header, bypassing mintProjectJwt so tests can forge what it never would. */
export async function signRaw(
  jwk: SigningKeyJwk,
  payload: JWTPayload,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  const alg = header.alg ?? "RS256";
  const { kty, n, e, d, p, q, dp, dq, qi } = jwk;
  const key = await importJWK({ kty, n, e, d, p, q, dp, dq, qi }, alg);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: header.kid ?? jwk.kid }).sign(key);
}

export function b64urlJson(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function freshJwks(count: number): Promise<SigningKeyJwk[]> {
  return Promise.all(Array.from({ length: count }, () => generateSigningJwk(NOW)));
}
