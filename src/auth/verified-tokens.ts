import type { ProjectJwtClaims } from "./jwt-claims";
import { verifyProjectJwt, type VerifyOptions, type VerifyResult } from "./jwt-verify";
import type { SigningKeySet } from "./signing-keys";

/** Bounded per isolate: past this many live tokens the cache starts over (each token is then verified again). */
const MAX_CACHED_TOKENS = 10_000;

/** Verified tokens per key set: a token is only ever trusted under the keys that verified it. */
const verified = new WeakMap<SigningKeySet, Map<string, ProjectJwtClaims>>();

/**
 * `verifyProjectJwt` with a per-isolate memo of tokens whose signature and claims already verified. Why: a
 * browser sends the same short-lived token with every call, and an RS256 verification is the largest fixed
 * CPU cost of an authenticated request. A hit is keyed by the exact token string under the same key set, and
 * still gets the time check (with the same skew) and the project check; revocation is admission's job.
 */
export async function verifyProjectJwtOnce(token: string, options: VerifyOptions): Promise<VerifyResult> {
  const { keys, projectId, now = new Date(), clockSkewSeconds = 30 } = options;
  let tokens = verified.get(keys);
  const hit = tokens?.get(token);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // A clock before the token's nbf (only ever a test's `now`) takes the full path, which refuses it.
  if (hit && hit.nbf <= nowSeconds + clockSkewSeconds) {
    if (nowSeconds - clockSkewSeconds >= hit.exp) {
      tokens!.delete(token);
      return { ok: false, code: "token_expired" };
    }
    return hit.pid === projectId ? { ok: true, claims: hit } : { ok: false, code: "wrong_project" };
  }
  const result = await verifyProjectJwt(token, options);
  if (result.ok) {
    if (!tokens) verified.set(keys, (tokens = new Map()));
    if (tokens.size >= MAX_CACHED_TOKENS) tokens.clear();
    tokens.set(token, result.claims);
  }
  return result;
}
