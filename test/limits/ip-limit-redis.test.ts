import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { reportIpCounts } from "../../src/limits/ip-limit";
import { IP_WINDOW_MS } from "../../src/limits/ip-window";
import { describeSharedIpCount } from "./ip-shared-contract";

// The Redis path of the per-IP shared count: @upstash/redis inside workerd, through the REST bridge to a
// real redis-server (test/setup/redis-global.ts). Skipped only locally without redis-server; CI fails instead.
const redis = inject("redis");
const live = "url" in redis ? redis : null;

/** Asks Redis directly (through the bridge, without base64) what the report left behind. */
async function redisCommand(...command: (string | number)[]): Promise<unknown> {
  const res = await fetch(live!.url, {
    method: "POST",
    headers: { authorization: `Bearer ${live!.token}` },
    body: JSON.stringify(command),
  });
  return ((await res.json()) as { result: unknown }).result;
}

describe.runIf(live)("per-IP shared count on Redis", () => {
  const redisEnv = () => ({ ...env, UPSTASH_REDIS_REST_URL: live!.url, UPSTASH_REDIS_REST_TOKEN: live!.token });

  describeSharedIpCount(redisEnv);

  it("keeps one counter per IP and window under tollgate:ip:, expiring after two windows", async () => {
    const ip = `203.0.113.9-${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await reportIpCounts(redisEnv(), [{ ip, count: 4 }], now);
    const key = `tollgate:ip:${Math.floor(now / IP_WINDOW_MS)}:${ip}`;
    expect(await redisCommand("GET", key)).toBe("4");
    const ttl = (await redisCommand("TTL", key)) as number;
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it("falls back to the embedded count when Redis is down, so the safety net keeps counting", async () => {
    const downEnv = { ...env, UPSTASH_REDIS_REST_URL: live!.refusedUrl, UPSTASH_REDIS_REST_TOKEN: live!.token };
    const ip = `203.0.113.10-${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await reportIpCounts(downEnv, [{ ip, count: 2 }], now);
    const answer = await reportIpCounts(downEnv, [{ ip, count: 3 }], now);
    expect(answer.totals).toEqual([{ ip, count: 5 }]);
    // The embedded objects hold the count; Redis has none.
    expect(
      await reportIpCounts(
        { ...env, UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined },
        [{ ip, count: 0 }],
        now,
      ),
    ).toMatchObject({
      totals: [{ ip, count: 5 }],
    });
    expect(await redisCommand("GET", `tollgate:ip:${Math.floor(now / IP_WINDOW_MS)}:${ip}`)).toBeNull();
  });
});
