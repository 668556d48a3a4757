import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { IpLimiter } from "../../durable-objects/ip-limiter";
import { IP_SHARDS, ipShard, reportIpCounts } from "../../src/limits/ip-limit";
import { describeSharedIpCount } from "./ip-shared-contract";

// The embedded shared count (no Redis configured): IpLimiter objects, one per shard of the IP space.
const embeddedEnv = { ...env, UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined };

describe("per-IP shared count, embedded", () => {
  describeSharedIpCount(() => embeddedEnv);

  it("sends each IP to its shard's object, so one IP's total lives in one place", async () => {
    const ips = Array.from({ length: 64 }, (_, i) => `192.0.2.${i}-${crypto.randomUUID().slice(0, 6)}`);
    const now = Date.now();
    await reportIpCounts(
      embeddedEnv,
      ips.map((ip) => ({ ip, count: 2 })),
      now,
    );
    const ip = ips[0]!;
    const shard = env.IP_LIMITER.get(env.IP_LIMITER.idFromName(`ip-shard-${ipShard(ip)}`));
    expect((await shard.add([{ ip, count: 1 }], now)).totals).toEqual([{ ip, count: 3 }]);
    const other = env.IP_LIMITER.get(env.IP_LIMITER.idFromName(`ip-shard-${(ipShard(ip) + 1) % IP_SHARDS}`));
    expect((await other.add([{ ip, count: 1 }], now)).totals).toEqual([{ ip, count: 1 }]);
  });

  it("writes nothing to storage: a report never waits for a commit", async () => {
    const stub = env.IP_LIMITER.get(env.IP_LIMITER.idFromName("ip-shard-storage-probe"));
    await stub.add([{ ip: "192.0.2.200", count: 5 }], Date.now());
    await runInDurableObject(stub, async (instance: IpLimiter, state) => {
      expect(instance).toBeInstanceOf(IpLimiter);
      expect(await state.storage.list()).toEqual(new Map());
    });
  });

  it("still answers the per-request `check` of Workers deployed before `add` (a rolling deploy), counting in the same minute", async () => {
    const stub = env.IP_LIMITER.get(env.IP_LIMITER.idFromName("ip-shard-rollout-probe"));
    const now = 1_700_000_010_000; // 10 s into a minute
    const ip = "192.0.2.77";
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await stub.check(ip, 3, now));
    expect(answers.map((a) => [a.ok, a.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(answers[3]).toMatchObject({ limit: 3, reset: 1_700_000_040, retryAfter: 30 });
    // New isolates' reports land in the same count.
    expect((await stub.add([{ ip, count: 1 }], now)).totals).toEqual([{ ip, count: 5 }]);
  });

  it("spreads IPs over all shards", () => {
    const used = new Set(Array.from({ length: 2_000 }, (_, i) => ipShard(`10.${i >> 8}.${i & 255}.1`)));
    expect(used.size).toBe(IP_SHARDS);
  });
});
