/**
 * How long a retired JWT signing key stays published. Kept apart from signing-keys.ts so the Node
 * generate-secrets script can prune keys without loading jose.
 */

/** SPEC: the longest JWT lifetime; a retired key must outlive every token it could have signed. */
export const MAX_TOKEN_TTL_SECONDS = 86_400;
/** Grace on top of the TTL for verifiers whose clocks run slightly behind. */
const RETIREMENT_GRACE_SECONDS = 300;

/** Unix seconds after which a key retired at `retiredAt` (ISO 8601) cannot have signed a live token. */
export function retiredKeyDropTime(retiredAt: string): number {
  return Math.floor(Date.parse(retiredAt) / 1000) + MAX_TOKEN_TTL_SECONDS + RETIREMENT_GRACE_SECONDS;
}
