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
    await reportIpCounts(embeddedEnv, ips.map((ip) => ({ ip, count: 2 })), now);
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

  it("spreads IPs over all shards", () => {
    const used = new Set(Array.from({ length: 2_000 }, (_, i) => ipShard(`10.${i >> 8}.${i & 255}.1`)));
    expect(used.size).toBe(IP_SHARDS);
  });
});
