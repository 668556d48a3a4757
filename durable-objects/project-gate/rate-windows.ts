import type { AdmitDecision } from "../../src/limits/gate-types";
import type { RateLimitState } from "../../src/limits/rate-limit-state";
import { pruneLog, type WindowCheck } from "../../src/limits/sliding-window";
import type { TierOverrides } from "../../src/settings/schema";

export const WINDOW_MS = 60_000;
/** Above this many live window keys, idle users' empty logs are swept so memory follows active users only. */
const WINDOW_SWEEP_AT = 5_000;

/** Sliding-window logs (memory only; see docs/limits.md for why a restart may reset them). */
export class RateWindows {
  private readonly windows = new Map<string, number[]>();

  /** The pruned hit log of `key`, created empty on first use. */
  log(key: string, now: number): number[] {
    if (this.windows.size > WINDOW_SWEEP_AT) {
      for (const [k, hits] of this.windows) if (pruneLog(hits, now, WINDOW_MS).length === 0) this.windows.delete(k);
    }
    const existing = this.windows.get(key);
    if (existing) return pruneLog(existing, now, WINDOW_MS);
    const created: number[] = [];
    this.windows.set(key, created);
    return created;
  }
}

/**
 * The project RPM window a request counts in. Tiers without their own `rpm_limit` share the one project window:
 * keying it by tier would let a caller multiply the project's RPM by spreading requests over tiers. A tier that
 * overrides `rpm_limit` gets a window of its own, so its limit means what it says.
 */
export function projectWindowKey(tier: string | undefined, overrides: TierOverrides | undefined): string {
  return tier !== undefined && overrides?.rpm_limit !== undefined ? `project:tier:${tier}` : "project";
}

function toState(check: WindowCheck): RateLimitState {
  return { limit: check.limit, remaining: check.remaining, reset: Math.ceil(check.resetAtMs / 1000) };
}

/** The headers show whichever window is closer to refusing. */
export function tighter(project: WindowCheck, user: WindowCheck | null): RateLimitState {
  return toState(user && user.remaining < project.remaining ? user : project);
}

export function windowDenial(reason: "rpm" | "user_rpm", check: WindowCheck): AdmitDecision {
  return { ok: false, reason, retryAfter: Math.ceil((check.retryAfterMs ?? 1000) / 1000), rateLimit: toState(check) };
}
