import { DurableObject } from "cloudflare:workers";
import { checkWindow, pruneLog, recordHit } from "../src/limits/sliding-window";
import type { IpLimitResult } from "../src/limits/ip-limit";

const WINDOW_MS = 60_000;
/** Above this many tracked IPs in one shard, empty logs are swept. */
const SWEEP_AT = 10_000;

/**
 * Embedded per-IP safety net when no Redis is configured: one object per hash shard of the IP space
 * (src/limits/ip-limit.ts), an exact sliding-window log per IP, memory only — it is a safety net, and a
 * restart forgetting a minute of history is acceptable there.
 */
export class IpLimiter extends DurableObject<Env> {
  private readonly logs = new Map<string, number[]>();

  async check(ip: string, limitPerMinute: number, now: number = Date.now()): Promise<IpLimitResult> {
    if (this.logs.size > SWEEP_AT) {
      for (const [key, log] of this.logs) if (pruneLog(log, now, WINDOW_MS).length === 0) this.logs.delete(key);
    }
    const log = pruneLog(this.logs.get(ip) ?? [], now, WINDOW_MS);
    this.logs.set(ip, log);
    const check = checkWindow(log, limitPerMinute, WINDOW_MS, now);
    if (check.ok) recordHit(log, now);
    const result: IpLimitResult = { ok: check.ok, limit: limitPerMinute, remaining: check.remaining, reset: Math.ceil(check.resetAtMs / 1000) };
    if (check.retryAfterMs !== undefined) result.retryAfter = Math.ceil(check.retryAfterMs / 1000);
    return result;
  }
}
