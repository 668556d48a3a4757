import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis/cloudflare";

/** The per-IP safety net checked before anything else (SPEC `ip_rpm_limit`). */
export interface IpLimitResult {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds. */
  reset: number;
  /** Seconds, only when refused. */
  retryAfter?: number;
}

/** Shards of the embedded limiter: one IP always lands on one shard, so its count stays exact. */
export const IP_SHARDS = 32;

/** FNV-1a: a stable, cheap spread of IPs over shards (not a security boundary). */
export function ipShard(ip: string, shards: number = IP_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) {
    hash ^= ip.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

type IpEnv = Pick<Env, "IP_LIMITER" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">;

const limiters = new Map<string, Ratelimit>();

/**
 * Redis (`@upstash/ratelimit` sliding window, shared by every isolate) when configured; otherwise the
 * embedded `IpLimiter` Durable Object of the IP's shard. Both count a minute per IP.
 */
export async function checkIpLimit(env: IpEnv, ip: string, limitPerMinute: number): Promise<IpLimitResult> {
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const limiter = upstashLimiter(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN, limitPerMinute);
    // A Redis outage must not take the whole data plane down with it: the safety net falls back to the
    // embedded limiter (exact per IP, just not shared with Redis' count) rather than failing requests.
    const res = await limiter.limit(ip).catch(() => null);
    if (!res) return embeddedCheck(env, ip, limitPerMinute);
    const reset = Math.ceil(res.reset / 1000);
    const result: IpLimitResult = { ok: res.success, limit: res.limit, remaining: Math.max(0, res.remaining), reset };
    if (!res.success) result.retryAfter = Math.max(1, reset - Math.floor(Date.now() / 1000));
    return result;
  }
  return embeddedCheck(env, ip, limitPerMinute);
}

function embeddedCheck(env: IpEnv, ip: string, limitPerMinute: number): Promise<IpLimitResult> {
  const stub = env.IP_LIMITER.get(env.IP_LIMITER.idFromName(`ip-shard-${ipShard(ip)}`));
  return stub.check(ip, limitPerMinute);
}

function upstashLimiter(url: string, token: string, limit: number): Ratelimit {
  const key = `${url}|${limit}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new Ratelimit({
      redis: new Redis({ url, token }),
      limiter: Ratelimit.slidingWindow(limit, "60 s"),
      // Bounded wait on Redis; past it @upstash/ratelimit lets the request through (fail open).
      timeout: 1_000,
      prefix: "tollgate:ip",
    });
    limiters.set(key, limiter);
  }
  return limiter;
}
