import { errors, jwtVerify, type JWTHeaderParameters } from "jose";
import { ProjectJwtClaims } from "./jwt-claims";
import type { SigningKeySet } from "./signing-keys";

/**
 * Verifies a project JWT and returns the denial as a value (STYLE 5); the middleware turns it into a
 * GatewayError. Only RS256 is accepted, which rules out `alg: none` and the HS256-with-public-key
 * confusion; the key is chosen by `kid` among the currently published keys only.
 */
export type VerifyResult =
  | { ok: true; claims: ProjectJwtClaims }
  | { ok: false; code: "invalid_token" | "token_expired" | "wrong_project" };

export interface VerifyOptions {
  keys: SigningKeySet;
  issuer: string;
  audience: string;
  /** The project resolved from the Host header; the token's `pid` must match it. */
  projectId: string;
  now?: Date;
  clockSkewSeconds?: number;
}

/** Real tokens are ~1 KB; refusing huge ones bounds the base64/JSON work an attacker can cause. */
const MAX_TOKEN_CHARS = 8_192;

export async function verifyProjectJwt(token: string, options: VerifyOptions): Promise<VerifyResult> {
  const { keys, issuer, audience, projectId, now = new Date(), clockSkewSeconds = 30 } = options;
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, code: "invalid_token" };
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters) => keyFor(keys, header), {
      algorithms: ["RS256"],
      issuer,
      audience,
      currentDate: now,
      clockTolerance: clockSkewSeconds,
      requiredClaims: ["iat", "nbf", "exp", "jti"],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, code: "token_expired" };
    if (error instanceof errors.JOSEError) return { ok: false, code: "invalid_token" };
    throw error;
  }
  const claims = ProjectJwtClaims.safeParse(payload);
  if (!claims.success) return { ok: false, code: "invalid_token" };
  // A valid token for another project is a permission problem, not an authentication one (403).
  if (claims.data.pid !== projectId) return { ok: false, code: "wrong_project" };
  return { ok: true, claims: claims.data };
}

function keyFor(keys: SigningKeySet, header: JWTHeaderParameters) {
  const match = keys.verifiers.find((key) => key.kid === header.kid);
  if (!match) throw new errors.JWKSNoMatchingKey();
  return match.publicKey;
}

/**
 * The token from `Authorization: Bearer <token>`: scheme case-insensitive, exactly one space, and a
 * token of base64url/JWT characters only. Anything else is null, so the caller answers 401.
 */
export function readBearer(authorization: string | null | undefined): string | null {
  const match = /^bearer (.*)$/i.exec(authorization ?? "");
  return readToken(match?.[1]);
}

/** A token sent bare (Anthropic's `x-api-key` header), held to the same character rule as a Bearer token. */
export function readToken(value: string | null | undefined): string | null {
  return value && /^[A-Za-z0-9\-._~+/]+=*$/.test(value) ? value : null;
}
