import { checkWindow, pruneLog, recordHit } from "./sliding-window";

/**
 * The per-IP safety net (SPEC `ip_rpm_limit`) as this isolate sees it: pure and synchronous, so the first
 * check of every request costs no round trip.
 *
 * Mechanism: an exact sliding-window log per IP of the requests this isolate admitted (sliding-window.ts),
 * plus what the other isolates did, learned late: admitted hits accumulate as pending deltas, `takeReport`
 * hands them out for the shared count (src/limits/ip-limit.ts, a fixed one-minute window per IP across all
 * isolates) and `applyShared` blocks every IP whose shared total reached the limit until that window resets.
 *
 * Formula: refuse ⇔ |{ t ∈ log(ip) : t > now − W }| ≥ L  ∨  now < blockedUntil(ip).
 *
 * Trade-offs: exact within one isolate; across isolates the count lags by at most one report (REPORT_INTERVAL_MS,
 * sooner when one IP's pending delta reaches L/10), so N busy isolates can together admit up to about
 * L + N × (hits per report) in a window. A report lost to an outage is dropped, not retried. That is the price
 * of taking the shared store off the critical path, and acceptable for a safety net against floods; quotas
 * that must be exact (project and user RPM) stay in the project gate. Memory: the logs hold at most the hits
 * of the last minute, and the number of tracked IPs is capped (least recently seen evicted first).
 */
export interface IpLimitResult {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds. */
  reset: number;
  /** Seconds, only when refused. */
  retryAfter?: number;
}

/** Admitted hits of one IP: a delta when reported, a window total when answered. */
export interface IpCount {
  ip: string;
  count: number;
}
export type IpCounts = IpCount[];

/** The shared store's answer: each reported IP's total in the current window, and when that window ends. */
export interface SharedIpCounts {
  totals: IpCounts;
  /** Epoch ms. */
  resetAtMs: number;
}

export const IP_WINDOW_MS = 60_000;
/** Bounds how stale one isolate's view of the others is, and how often an isolate writes to the shared store. */
export const REPORT_INTERVAL_MS = 1_000;
/** A single IP this far into its limit is reported at once: a fast flood is shared within a few requests. */
const URGENT_FRACTION = 10;

export interface IpWindowOptions {
  reportIntervalMs?: number;
  /** Above this many tracked IPs, logs that emptied are swept (at most once per report interval). */
  sweepAt?: number;
  /** Hard cap on tracked IPs; past it the least recently seen are forgotten. */
  maxIps?: number;
}

export interface IpWindow {
  /** Decides and, when admitted, records the hit locally and as a pending delta. */
  check(ip: string, limit: number, now: number): IpLimitResult;
  /** The pending deltas when a report is due (then cleared), otherwise null. */
  takeReport(now: number): IpCounts | null;
  /** Blocks the IPs whose shared total reached `limit` until the shared window resets. */
  applyShared(shared: SharedIpCounts, limit: number, now: number): void;
  /** Tracked IPs (logs, blocks, pending), for tests and bounds. */
  size(): { logs: number; blocked: number; pending: number };
}

export function createIpWindow(options: IpWindowOptions = {}): IpWindow {
  const reportIntervalMs = options.reportIntervalMs ?? REPORT_INTERVAL_MS;
  const sweepAt = options.sweepAt ?? 10_000;
  const maxIps = options.maxIps ?? 50_000;

  /** Map order is recency: a checked IP is moved to the end, so eviction takes the front. */
  const logs = new Map<string, number[]>();
  const blockedUntil = new Map<string, number>();
  let pending = new Map<string, number>();
  let urgent = false;
  let lastReportAt = Number.NEGATIVE_INFINITY;
  let nextSweepAt = Number.NEGATIVE_INFINITY;

  function sweep(now: number): void {
    if (logs.size > sweepAt && now >= nextSweepAt) {
      nextSweepAt = now + reportIntervalMs;
      for (const [ip, log] of logs) if (pruneLog(log, now, IP_WINDOW_MS).length === 0) logs.delete(ip);
      for (const [ip, until] of blockedUntil) if (until <= now) blockedUntil.delete(ip);
    }
  }

  return {
    check(ip, limit, now) {
      sweep(now);
      const blocked = blockedUntil.get(ip);
      if (blocked !== undefined && blocked > now) {
        return {
          ok: false,
          limit,
          remaining: 0,
          reset: Math.ceil(blocked / 1000),
          retryAfter: Math.max(1, Math.ceil((blocked - now) / 1000)),
        };
      }
      if (blocked !== undefined) blockedUntil.delete(ip);

      const log = pruneLog(logs.get(ip) ?? [], now, IP_WINDOW_MS);
      logs.delete(ip);
      logs.set(ip, log);
      evictOldest(logs, maxIps);
      const verdict = checkWindow(log, limit, IP_WINDOW_MS, now);
      const result: IpLimitResult = {
        ok: verdict.ok,
        limit,
        remaining: verdict.remaining,
        reset: Math.ceil(verdict.resetAtMs / 1000),
      };
      if (verdict.retryAfterMs !== undefined) result.retryAfter = Math.ceil(verdict.retryAfterMs / 1000);
      if (!verdict.ok) return result;

      recordHit(log, now);
      const delta = (pending.get(ip) ?? 0) + 1;
      pending.set(ip, delta);
      // A full pending map is reported at once rather than grown without bound.
      if (delta >= Math.max(1, Math.ceil(limit / URGENT_FRACTION)) || pending.size >= maxIps) urgent = true;
      return result;
    },

    takeReport(now) {
      if (pending.size === 0) return null;
      if (!urgent && now - lastReportAt < reportIntervalMs) return null;
      const report = [...pending].map(([ip, count]) => ({ ip, count }));
      pending = new Map();
      urgent = false;
      lastReportAt = now;
      return report;
    },

    applyShared(shared, limit, now) {
      if (shared.resetAtMs <= now) return;
      for (const { ip, count } of shared.totals) {
        if (count < limit) continue;
        blockedUntil.set(ip, Math.max(blockedUntil.get(ip) ?? 0, shared.resetAtMs));
      }
      evictOldest(blockedUntil, maxIps);
    },

    size: () => ({ logs: logs.size, blocked: blockedUntil.size, pending: pending.size }),
  };
}

function evictOldest<V>(map: Map<string, V>, max: number): void {
  if (map.size <= max) return;
  for (const key of map.keys()) {
    map.delete(key);
    if (map.size <= max) return;
  }
}
