import type { Redis } from "@upstash/redis/cloudflare";
import { upstashClient } from "../db/upstash";
import { IP_WINDOW_MS, type IpCounts, type SharedIpCounts } from "./ip-window";

/**
 * The shared half of the per-IP safety net (SPEC `ip_rpm_limit`): every isolate adds the hits it admitted
 * (src/limits/ip-window.ts) to one count per IP and fixed one-minute window, and reads back the totals.
 * Called from `waitUntil`, never awaited by a request.
 *
 * A fixed window, not a sliding one: one INCRBY per IP is all Redis (or the embedded object) has to do, and
 * the exact sliding window already runs in each isolate. Hits are counted in the window the report arrives
 * in, so a hit from the last second of a minute may count in the next one.
 */

/** Shards of the embedded counter: one IP always lands on one shard, so its total is complete there. */
export const IP_SHARDS = 32;

/** A few seconds past the window, so a report from a slightly fast or slow clock still finds its key. */
const REDIS_KEY_TTL_SECONDS = 2 * (IP_WINDOW_MS / 1000);
/** Bounded wait on Redis before the report falls back to the embedded counter. */
const REDIS_TIMEOUT_MS = 1_000;

/** FNV-1a: a stable, cheap spread of IPs over shards (not a security boundary). */
export function ipShard(ip: string, shards: number = IP_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) {
    hash ^= ip.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The fixed window `now` falls in: its index (minutes since the epoch) and its end, epoch ms. */
export function sharedWindow(now: number): { index: number; resetAtMs: number } {
  const index = Math.floor(now / IP_WINDOW_MS);
  return { index, resetAtMs: (index + 1) * IP_WINDOW_MS };
}

type IpEnv = Pick<Env, "IP_LIMITER" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">;

/**
 * Adds `deltas` to the current window's count of each IP and returns the totals. Redis when configured
 * (shared by every isolate in every location); otherwise the embedded `IpLimiter` object of each IP's shard,
 * one RPC per shard. A Redis outage falls back to the embedded counter rather than dropping the report.
 */
export async function reportIpCounts(env: IpEnv, deltas: IpCounts, now: number = Date.now()): Promise<SharedIpCounts> {
  if (deltas.length === 0) return { totals: [], resetAtMs: sharedWindow(now).resetAtMs };
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    try {
      return await redisReport(redisClient(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN), deltas, now);
    } catch (err) {
      // The kind only: the message can carry the Redis URL.
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "ip limit: redis unavailable, using the embedded counter",
          kind: err instanceof Error ? err.name : typeof err,
        }),
      );
    }
  }
  return embeddedReport(env, deltas, now);
}

/** Redis layout: `tollgate:ip:{window index}:{ip}` → integer, one pipeline of INCRBY + EXPIRE per IP. */
async function redisReport(redis: Redis, deltas: IpCounts, now: number): Promise<SharedIpCounts> {
  const { index, resetAtMs } = sharedWindow(now);
  const pipeline = redis.pipeline();
  for (const { ip, count } of deltas) {
    const key = `tollgate:ip:${index}:${ip}`;
    pipeline.incrby(key, count);
    pipeline.expire(key, REDIS_KEY_TTL_SECONDS);
  }
  const replies = await pipeline.exec<number[]>();
  const totals = deltas.map(({ ip }, i) => ({ ip, count: Number(replies[2 * i]) }));
  if (totals.some(({ count }) => !Number.isFinite(count))) throw new Error("unexpected INCRBY reply");
  return { totals, resetAtMs };
}

async function embeddedReport(env: IpEnv, deltas: IpCounts, now: number): Promise<SharedIpCounts> {
  const byShard = new Map<number, IpCounts>();
  for (const delta of deltas) {
    const shard = ipShard(delta.ip);
    const entries = byShard.get(shard) ?? [];
    entries.push(delta);
    byShard.set(shard, entries);
  }
  const answers = await Promise.all(
    [...byShard].map(([shard, entries]) =>
      env.IP_LIMITER.get(env.IP_LIMITER.idFromName(`ip-shard-${shard}`)).add(entries, now),
    ),
  );
  return {
    totals: answers.flatMap((answer) => answer.totals),
    resetAtMs: Math.max(...answers.map((answer) => answer.resetAtMs)),
  };
}

const clients = new Map<string, Redis>();

function redisClient(url: string, token: string): Redis {
  const key = `${url}|${token}`;
  let client = clients.get(key);
  if (!client) {
    // A report that misses its timeout falls back to the embedded counter.
    client = upstashClient({ url, token, timeoutMs: REDIS_TIMEOUT_MS });
    clients.set(key, client);
  }
  return client;
}
