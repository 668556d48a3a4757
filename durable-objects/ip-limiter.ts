import { DurableObject } from "cloudflare:workers";
import { sharedWindow } from "../src/limits/ip-limit";
import { IP_WINDOW_MS, type IpCounts, type IpLimitResult, type SharedIpCounts } from "../src/limits/ip-window";

/**
 * Embedded shared count of the per-IP safety net when no Redis is configured: one object per hash shard of
 * the IP space (src/limits/ip-limit.ts), a count per IP for the current fixed one-minute window. Isolates
 * report here about once a second (src/limits/ip-window.ts), never per request.
 *
 * Memory only: it is a safety net, and a restart forgetting a minute of counts is acceptable there; nothing
 * is written, so a report never waits for a storage commit. The map holds one window and is dropped when
 * the next begins, so it is bounded by the distinct IPs of one minute in this shard.
 */
export class IpLimiter extends DurableObject<Env> {
  private window = Number.NEGATIVE_INFINITY;
  private counts = new Map<string, number>();

  async add(entries: IpCounts, now: number = Date.now()): Promise<SharedIpCounts> {
    const { index } = sharedWindow(now);
    // A report stamped with an older window (a slow clock) counts in the current one rather than reopening it.
    if (index > this.window) {
      this.window = index;
      this.counts = new Map();
    }
    const totals = entries.map(({ ip, count }) => {
      const total = (this.counts.get(ip) ?? 0) + count;
      this.counts.set(ip, total);
      return { ip, count: total };
    });
    return { totals, resetAtMs: (this.window + 1) * IP_WINDOW_MS };
  }

  /**
   * The per-request call of Workers deployed before `add` (they asked here on every request). Kept so that
   * during a rolling deploy an old isolate's request is still counted and answered instead of failing; it
   * counts the hit in the current fixed minute. Remove once no such deployment can be running.
   */
  async check(ip: string, limitPerMinute: number, now: number = Date.now()): Promise<IpLimitResult> {
    const { totals, resetAtMs } = await this.add([{ ip, count: 1 }], now);
    const total = totals[0]?.count ?? 1;
    const reset = Math.ceil(resetAtMs / 1000);
    if (total <= limitPerMinute) return { ok: true, limit: limitPerMinute, remaining: limitPerMinute - total, reset };
    return {
      ok: false,
      limit: limitPerMinute,
      remaining: 0,
      reset,
      retryAfter: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    };
  }
}
