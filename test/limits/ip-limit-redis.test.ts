import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { checkIpLimit } from "../../src/limits/ip-limit";

// The Redis path of the per-IP safety net: @upstash/ratelimit inside workerd, through the REST bridge to a
// real redis-server (test/setup/redis-global.ts). Skipped only locally without redis-server; CI fails instead.
const redis = inject("redis");
const live = "url" in redis ? redis : null;

describe.runIf(live)("per-IP limit on Redis", () => {
  it("admits exactly the limit for one IP under concurrency and keeps IPs apart", async () => {
    const redisEnv = { ...env, UPSTASH_REDIS_REST_URL: live!.url, UPSTASH_REDIS_REST_TOKEN: live!.token };
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}-${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 30 }, () => checkIpLimit(redisEnv, ip, 12)));
    expect(results.filter((r) => r.ok)).toHaveLength(12);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect((await checkIpLimit(redisEnv, `${ip}-other`, 12)).ok).toBe(true);
  });
});
