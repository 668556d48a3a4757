import { SignJWT } from "jose";
import { z } from "zod";
import type { MintClaims } from "./jwt-claims";
import { MAX_TOKEN_TTL_SECONDS, type SigningKeySet } from "./signing-keys";

/** SPEC: token lifetime 60 s .. 86,400 s, default 3,600 s. */
export const MIN_TOKEN_TTL_SECONDS = 60;
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;

/**
 * Body of `POST /auth/v1/auth/mint`. Strict: an unknown field is a client bug (or an attempt to set
 * `pid`/`tid`, which come from the API key, never from the body) and is refused, not ignored.
 */
export const MintRequest = z
  .object({
    user_id: z.string().min(1).max(256),
    tier: z.string().min(1).max(64).optional(),
    ttl_seconds: z
      .number()
      .int()
      .min(MIN_TOKEN_TTL_SECONDS)
      .max(MAX_TOKEN_TTL_SECONDS)
      .default(DEFAULT_TOKEN_TTL_SECONDS),
    role: z.string().min(1).max(64).optional(),
    scopes: z.array(z.string().min(1).max(128)).max(64).optional(),
  })
  .strict();

export type MintRequest = z.infer<typeof MintRequest>;

export interface MintOptions {
  keys: SigningKeySet;
  issuer: string;
  audience: string;
  claims: MintClaims;
  ttlSeconds: number;
  now?: Date;
}

export interface MintedToken {
  token: string;
  /** Unix seconds. */
  expiresAt: number;
  jti: string;
}

/** Signs with the active key, naming it in the header `kid` so verifiers pick the right public key. */
export async function mintProjectJwt({
  keys,
  issuer,
  audience,
  claims,
  ttlSeconds,
  now = new Date(),
}: MintOptions): Promise<MintedToken> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_TOKEN_TTL_SECONDS || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    // Retired keys are kept for MAX_TOKEN_TTL_SECONDS only; a longer token would outlive its key.
    throw new RangeError(`ttlSeconds must be an integer in ${MIN_TOKEN_TTL_SECONDS}..${MAX_TOKEN_TTL_SECONDS}`);
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + ttlSeconds;
  const jti = crypto.randomUUID();
  const { tid, pid, uid, role, scp, tier, akid } = claims;
  const payload = {
    tid,
    pid,
    uid,
    role,
    scp,
    ...(tier === undefined ? {} : { tier }),
    ...(akid === undefined ? {} : { akid }),
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: keys.active.kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(jti)
    .sign(keys.active.privateKey);
  return { token, expiresAt, jti };
}
