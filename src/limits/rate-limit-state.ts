/**
 * Rate-limit state rendered on every data-plane response (SPEC: X-RateLimit-*). Its own module because both the
 * gate's decision types (gate-types.ts) and the HTTP context (http/app-env.ts) carry it, and neither may import
 * the other without a cycle.
 */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Unix seconds when the window frees capacity again. */
  reset: number;
}
