import { decodeProtectedHeader } from "jose";
import type { ProjectJwtClaims } from "./jwt-claims";
import { verifyProjectJwt, type VerifyOptions, type VerifyResult } from "./jwt-verify";
import type { SigningKeySet } from "./signing-keys";

/** Bounded per isolate: past this many live tokens the memo starts over (each token is then verified again). */
const MAX_CACHED_TOKENS = 10_000;

interface Verified {
  claims: ProjectJwtClaims;
  /** The public key whose signature check passed: a hit needs it still among the accepted keys. */
  publicKey: CryptoKey;
}

const verified = new Map<string, Verified>();

/**
 * `verifyProjectJwt` with a per-isolate memo of tokens whose signature and claims already verified. Why: a
 * browser sends the same short-lived token with every call, and an RS256 verification is the largest fixed
 * CPU cost of an authenticated request. A hit is keyed by the exact token string, needs the very key that
 * verified it to be still accepted (a retired or replaced key sends the token back through full
 * verification), and still gets the time check (with the same skew) and the project check; revocation is
 * admission's job.
 */
export async function verifyProjectJwtOnce(token: string, options: VerifyOptions): Promise<VerifyResult> {
  const { keys, projectId, now = new Date(), clockSkewSeconds = 30 } = options;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const hit = verified.get(token);
  // A clock before the token's nbf (only ever a test's `now`) takes the full path, which refuses it.
  if (
    hit &&
    hit.claims.nbf <= nowSeconds + clockSkewSeconds &&
    keys.verifiers.some((key) => key.publicKey === hit.publicKey)
  ) {
    if (nowSeconds - clockSkewSeconds >= hit.claims.exp) {
      verified.delete(token);
      return { ok: false, code: "token_expired" };
    }
    return hit.claims.pid === projectId ? { ok: true, claims: hit.claims } : { ok: false, code: "wrong_project" };
  }
  const result = await verifyProjectJwt(token, options);
  if (result.ok) remember(token, result.claims, keys);
  return result;
}

function remember(token: string, claims: ProjectJwtClaims, keys: SigningKeySet): void {
  const { kid } = decodeProtectedHeader(token);
  const key = keys.verifiers.find((candidate) => candidate.kid === kid);
  if (!key) return;
  if (verified.size >= MAX_CACHED_TOKENS) verified.clear();
  verified.set(token, { claims, publicKey: key.publicKey });
}
