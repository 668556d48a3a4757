import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationMemory } from "../../durable-objects/conversation-memory";
import { GatewayError } from "../../src/errors";
import { createDurableObjectMemoryStore } from "../../src/memory/do-store";
import { memoryKey } from "../../src/memory/key";
import { createMemoryStore } from "../../src/memory/store";
import { describeMemoryStoreContract } from "./contract";

describeMemoryStoreContract("Durable Object", () => createDurableObjectMemoryStore(env.MEMORY, { timeoutMs: 5_000 }));

const DAY_MS = 86_400_000;
const turn = [
  { role: "user" as const, content: "hi" },
  { role: "assistant" as const, content: "hello" },
];

describe("Durable Object retention", () => {
  const store = createDurableObjectMemoryStore(env.MEMORY, { timeoutMs: 5_000 });
  const setup = async (retentionDays: number) => {
    const key = memoryKey({ projectId: "p", uid: crypto.randomUUID(), session: "s" });
    await store.append(key, turn, { windowPairs: 10, retentionDays });
    return { key, stub: env.MEMORY.get(env.MEMORY.idFromName(key)) };
  };
  const rewind = (stub: DurableObjectStub<ConversationMemory>, ms: number) =>
    runInDurableObject(stub, (_: ConversationMemory, state) => {
      state.storage.sql.exec("UPDATE meta SET value = value - ? WHERE name = 'expires_at'", ms);
    });

  it("sets the alarm to the last append plus retention_days", async () => {
    const before = Date.now();
    const { stub } = await setup(7);
    const alarm = await runInDurableObject(stub, (_: ConversationMemory, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
  });

  it("deletes the conversation when the alarm fires after expiry", async () => {
    const { key, stub } = await setup(1);
    await rewind(stub, DAY_MS + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const rows = await runInDurableObject(stub, (_: ConversationMemory, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM turns").one(),
    );
    expect(rows.n).toBe(0);
    expect(await store.load(key)).toEqual([]);
  });

  it("keeps the conversation when a stale alarm fires before expiry, and re-arms it", async () => {
    const { key, stub } = await setup(1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await store.load(key)).toEqual(turn);
    const alarm = await runInDurableObject(stub, (_: ConversationMemory, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
  });

  it("reads an expired conversation as empty even if the alarm has not run", async () => {
    const { key, stub } = await setup(1);
    await rewind(stub, DAY_MS + 1);
    expect(await store.load(key)).toEqual([]);
  });

  it("purgeExpired deletes only what has expired", async () => {
    const fresh = await setup(1);
    expect(await store.purgeExpired!(fresh.key)).toBe(false);
    const old = await setup(1);
    await rewind(old.stub, DAY_MS + 1);
    expect(await store.purgeExpired!(old.key)).toBe(true);
    expect(await store.load(fresh.key)).toEqual(turn);
  });

  it("renews retention on every append", async () => {
    const { key, stub } = await setup(1);
    await rewind(stub, DAY_MS - 1_000);
    await store.append(key, turn, { windowPairs: 10, retentionDays: 1 });
    await rewind(stub, 2_000);
    expect(await store.load(key)).toHaveLength(4);
  });
});

describe("createMemoryStore", () => {
  it("uses the Durable Object store when no Redis URL is set", async () => {
    const store = createMemoryStore({ MEMORY: env.MEMORY }, { timeoutMs: 5_000 });
    const key = memoryKey({ projectId: "p", uid: crypto.randomUUID(), session: "s" });
    await store.append(key, turn, { windowPairs: 1, retentionDays: 1 });
    const direct = env.MEMORY.get(env.MEMORY.idFromName(key));
    expect(await direct.load()).toEqual(turn);
  });

  it("refuses a Redis URL without a token as a misconfiguration", () => {
    const build = () => createMemoryStore({ MEMORY: env.MEMORY, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1" });
    expect(build).toThrow(GatewayError);
    expect(build).toThrow(/UPSTASH_REDIS_REST_TOKEN/);
  });
});

describe("Durable Object store faults", () => {
  const namespaceWith = (stub: object) =>
    ({ idFromName: (name: string) => name, get: () => stub }) as unknown as DurableObjectNamespace<ConversationMemory>;
  const key = memoryKey({ projectId: "p", uid: "u", session: "s" });

  it.each([
    [
      "throws (object reset, overloaded)",
      () => Promise.reject(new Error("Durable Object reset because its code was updated.")),
    ],
    ["never answers", () => new Promise(() => {})],
  ])("turns an object that %s into memory_unavailable (503) within the timeout", async (_, method) => {
    const store = createDurableObjectMemoryStore(namespaceWith({ load: method, append: method, clear: method }), {
      timeoutMs: 50,
    });
    for (const op of [
      () => store.load(key),
      () => store.append(key, turn, { windowPairs: 1, retentionDays: 1 }),
      () => store.clear(key),
    ]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "memory_unavailable", status: 503 });
      expect((err as Error).message).not.toMatch(/reset|code was updated/);
    }
  });
});
