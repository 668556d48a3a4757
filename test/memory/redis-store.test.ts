import { describe, expect, inject, it } from "vitest";
import { GatewayError } from "../../src/errors";
import { memoryKey } from "../../src/memory/key";
import { createRedisMemoryStore } from "../../src/memory/redis-store";
import { createMemoryStore } from "../../src/memory/store";
import { describeMemoryStoreContract } from "./contract";

// The production path: @upstash/redis inside workerd, through the REST bridge to a real redis-server
// started by test/setup/redis-global.ts. Skipped only locally without redis-server; CI fails instead.
const redis = inject("redis");
const live = "url" in redis ? redis : null;
if (!live) describe.skip(`Redis memory store (${"skipped" in redis ? redis.skipped : ""})`, () => {});

const turn = [
  { role: "user" as const, content: "hi" },
  { role: "assistant" as const, content: "hello" },
];
const freshKey = () => memoryKey({ projectId: "p", uid: crypto.randomUUID(), session: "s" });

/** Asks Redis directly (through the bridge, without base64) what the store left behind. */
async function redisCommand(...command: (string | number)[]): Promise<unknown> {
  const res = await fetch(live!.url, {
    method: "POST",
    headers: { authorization: `Bearer ${live!.token}` },
    body: JSON.stringify(command),
  });
  return ((await res.json()) as { result: unknown }).result;
}

describe.runIf(live)("Redis memory store", () => {
  describeMemoryStoreContract("Redis (@upstash/redis via REST bridge)", () =>
    createRedisMemoryStore({ url: live!.url, token: live!.token, timeoutMs: 5_000 }),
  );

  const store = () => createRedisMemoryStore({ url: live!.url, token: live!.token, timeoutMs: 5_000 });

  it("stores one list element per turn under the memory key, with a TTL of retention_days", async () => {
    const key = freshKey();
    await store().append(key, turn, { windowPairs: 10, retentionDays: 7 });
    expect(await redisCommand("LRANGE", key, 0, -1)).toEqual([JSON.stringify(turn)]);
    const ttl = (await redisCommand("TTL", key)) as number;
    expect(ttl).toBeGreaterThan(7 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400);
  });

  it("renews the TTL on each append, to the latest retention_days", async () => {
    const key = freshKey();
    await store().append(key, turn, { windowPairs: 10, retentionDays: 30 });
    await store().append(key, turn, { windowPairs: 10, retentionDays: 1 });
    expect(await redisCommand("TTL", key)).toBeLessThanOrEqual(86_400);
  });

  it("reads an expired key as empty", async () => {
    const key = freshKey();
    await store().append(key, turn, { windowPairs: 10, retentionDays: 1 });
    await redisCommand("PEXPIRE", key, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await store().load(key)).toEqual([]);
  });

  it("skips a corrupted element instead of failing the whole history", async () => {
    const key = freshKey();
    await redisCommand("RPUSH", key, "not json", JSON.stringify([{ role: "wizard", content: 1 }]));
    await store().append(key, turn, { windowPairs: 10, retentionDays: 1 });
    expect(await store().load(key)).toEqual(turn);
  });

  it("is what createMemoryStore picks when UPSTASH_REDIS_REST_URL is set", async () => {
    const key = freshKey();
    const picked = createMemoryStore({
      MEMORY: undefined as never,
      UPSTASH_REDIS_REST_URL: live!.url,
      UPSTASH_REDIS_REST_TOKEN: live!.token,
    });
    await picked.append(key, turn, { windowPairs: 10, retentionDays: 1 });
    expect(await redisCommand("LLEN", key)).toBe(1);
  });

  describe("outage", () => {
    const outages = () =>
      [
        ["refuses connections", { url: live!.refusedUrl, token: live!.token }],
        ["never answers", { url: live!.blackholeUrl, token: live!.token }],
        ["rejects the token", { url: live!.url, token: "wrong" }],
      ] as const;

    it.each([0, 1, 2])(
      "fails every operation with memory_unavailable (503) within the timeout (case %i)",
      async (i) => {
        const [, target] = outages()[i]!;
        const down = createRedisMemoryStore({ ...target, timeoutMs: 300 });
        const key = freshKey();
        const started = Date.now();
        for (const op of [
          () => down.load(key),
          () => down.append(key, turn, { windowPairs: 1, retentionDays: 1 }),
          () => down.clear(key),
        ]) {
          const err = await op().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(GatewayError);
          expect(err).toMatchObject({ code: "memory_unavailable", status: 503 });
          // The message is for clients: no URL, token or stack.
          expect((err as Error).message).not.toMatch(/127\.0\.0\.1|wrong|Bearer|at /);
        }
        // Three operations, each bounded by the 300 ms deadline (generous slack for a loaded CI box).
        expect(Date.now() - started).toBeLessThan(3 * 300 + 2_000);
      },
    );
  });
});
