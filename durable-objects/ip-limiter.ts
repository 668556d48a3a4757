import { DurableObject } from "cloudflare:workers";
import { sharedWindow } from "../src/limits/ip-limit";
import { IP_WINDOW_MS, type IpCounts, type SharedIpCounts } from "../src/limits/ip-window";

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
}
