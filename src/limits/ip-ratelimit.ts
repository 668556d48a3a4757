import { Ratelimit } from "@upstash/ratelimit";
import { upstashClient } from "../db/upstash";
import { IP_WINDOW_MS } from "./ip-window";

/**
 * The per-IP safety net on Redis when it is configured (ARCHITECTURE.md "per-IP safety-net limit"):
 * `@upstash/ratelimit`'s sliding window, shared by every isolate in every location. The check is started at
 * request entry and awaited only before the provider call, so its round trip overlaps the JWT check and the
 * admission call instead of adding to them. The in-isolate exact window (ip-window.ts) still decides first and
 * synchronously; it is also what remains when Redis is slow or down, since a safety net must not fail requests.
 */
export type IpVerdict =
  | { decided: "redis"; ok: boolean; limit: number; remaining: number /** Unix seconds */; reset: number }
  | { decided: "local"; reason: "timeout" | "unavailable" };

/** A bound on the wait before the provider call; past it the request goes on with the local window's verdict. */
export const REDIS_CHECK_TIMEOUT_MS = 500;

type RedisEnv = Pick<Env, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">;

// One limiter per isolate and configuration: its ephemeral cache of IPs already over the limit lives as long as
// the isolate, so a flooding IP is refused without a Redis call until its window resets.
let current: { key: string; limit: number; limiter: Ratelimit } | undefined;

function limiterFor(env: RedisEnv, limit: number): Ratelimit | undefined {
  const url = env.UPSTASH_REDIS_REST_URL;
  const token = env.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) return undefined;
  const key = `${url}\n${token}`;
  if (current?.key === key && current.limit === limit) return current.limiter;
  const limiter = new Ratelimit({
    redis: upstashClient({ url, token, timeoutMs: REDIS_CHECK_TIMEOUT_MS }),
    limiter: Ratelimit.slidingWindow(limit, `${IP_WINDOW_MS / 1000} s`),
    prefix: "tollgate:ipl",
    ephemeralCache: new Map(),
    timeout: REDIS_CHECK_TIMEOUT_MS,
    analytics: false,
  });
  current = { key, limit, limiter };
  return limiter;
}

/** Starts the shared check for `ip`; undefined when Redis is not configured (the embedded limiter decides alone). */
export function startRedisIpCheck(env: RedisEnv, ip: string, limit: number): Promise<IpVerdict> | undefined {
  const limiter = limiterFor(env, limit);
  if (!limiter) return undefined;
  return limiter.limit(ip).then(
    (answer): IpVerdict =>
      answer.reason === "timeout"
        ? { decided: "local", reason: "timeout" }
        : {
            decided: "redis",
            ok: answer.success,
            limit: answer.limit,
            remaining: Math.max(0, answer.remaining),
            reset: Math.ceil(answer.reset / 1000),
          },
    (): IpVerdict => ({ decided: "local", reason: "unavailable" }),
  );
}
