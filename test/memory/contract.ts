import { beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors";
import { memoryKey, type MemoryScope } from "../../src/memory/key";
import { MAX_TURN_BYTES, type MemoryStore, type StoredMessage } from "../../src/memory/types";

const opts = { windowPairs: 10, retentionDays: 30 };
const turn = (n: number): StoredMessage[] => [
  { role: "user", content: `question ${n}` },
  { role: "assistant", content: `answer ${n}` },
];
const contents = (messages: StoredMessage[]) => messages.map((m) => m.content);

/**
 * The behaviour every MemoryStore must show, run against each implementation. `makeStore` is called once
 * per suite; every test uses its own fresh keys, so tests never see each other's data.
 */
export function describeMemoryStoreContract(name: string, makeStore: () => MemoryStore | Promise<MemoryStore>): void {
  describe(`MemoryStore contract: ${name}`, () => {
    let store: MemoryStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    const scope = (overrides: Partial<MemoryScope> = {}): MemoryScope => ({
      projectId: "proj-1",
      uid: `user-${crypto.randomUUID()}`,
      session: "s1",
      ...overrides,
    });

    it("loads an unknown key as an empty history", async () => {
      expect(await store.load(memoryKey(scope()))).toEqual([]);
    });

    it("returns appended turns oldest first", async () => {
      const key = memoryKey(scope());
      for (const n of [1, 2, 3]) await store.append(key, turn(n), opts);
      expect(contents(await store.load(key))).toEqual([
        "question 1",
        "answer 1",
        "question 2",
        "answer 2",
        "question 3",
        "answer 3",
      ]);
    });

    it("round-trips tool calls, names and content parts unchanged", async () => {
      const key = memoryKey(scope());
      const messages: StoredMessage[] = [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "https://x/y.png" } },
          ],
          name: "ann",
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", content: "result ✓ 🚀", tool_call_id: "c1" },
        { role: "assistant", content: "done" },
      ];
      await store.append(key, messages, opts);
      expect(await store.load(key)).toEqual(messages);
    });

    it.each([
      [1, ["question 5", "answer 5"]],
      [2, ["question 4", "answer 4", "question 5", "answer 5"]],
    ])("trims the history to a window of %i pairs on append", async (windowPairs, expected) => {
      const key = memoryKey(scope());
      for (const n of [1, 2, 3, 4, 5]) await store.append(key, turn(n), { windowPairs, retentionDays: 1 });
      expect(contents(await store.load(key))).toEqual(expected);
      // Trimmed turns are gone from storage, not merely hidden: a wider read cannot bring them back.
      expect(contents(await store.load(key, { windowPairs: 100 }))).toEqual(expected);
    });

    it("loads only the current window when it shrank since the turns were stored", async () => {
      const key = memoryKey(scope());
      for (const n of [1, 2, 3]) await store.append(key, turn(n), opts);
      expect(contents(await store.load(key, { windowPairs: 1 }))).toEqual(["question 3", "answer 3"]);
      expect(await store.load(key, { windowPairs: 0 })).toEqual([]);
    });

    it("keeps nothing with a window of 0, and forgets what was there", async () => {
      const key = memoryKey(scope());
      await store.append(key, turn(1), opts);
      await store.append(key, turn(2), { windowPairs: 0, retentionDays: 1 });
      expect(await store.load(key)).toEqual([]);
    });

    it("clears a conversation and accepts new turns afterwards", async () => {
      const key = memoryKey(scope());
      await store.append(key, turn(1), opts);
      await store.clear(key);
      expect(await store.load(key)).toEqual([]);
      await store.append(key, turn(2), opts);
      expect(contents(await store.load(key))).toEqual(["question 2", "answer 2"]);
    });

    it("treats an empty turn as nothing to store (a filtered-out tool call, say)", async () => {
      const key = memoryKey(scope());
      await store.append(key, turn(1), opts);
      await store.append(key, [], { windowPairs: 1, retentionDays: 1 });
      expect(contents(await store.load(key))).toEqual(["question 1", "answer 1"]);
    });

    it("clears an unknown key without error", async () => {
      await expect(store.clear(memoryKey(scope()))).resolves.toBeUndefined();
    });

    it("keeps projects, users and sessions apart (another's session looks empty)", async () => {
      const mine = scope({ uid: "alice:s1" });
      await store.append(memoryKey(mine), turn(1), opts);
      const others = [
        { ...mine, projectId: "proj-2" },
        { ...mine, uid: "alice", session: "s1:s1" },
        { ...mine, uid: "mallory" },
        { ...mine, session: "s2" },
      ];
      for (const other of others) expect(await store.load(memoryKey(other))).toEqual([]);
      await store.clear(memoryKey({ ...mine, uid: "mallory" }));
      expect(contents(await store.load(memoryKey(mine)))).toEqual(["question 1", "answer 1"]);
    });

    it("loses no message when 20 appends to one session race", async () => {
      const key = memoryKey(scope());
      const n = 20;
      await Promise.all(
        Array.from({ length: n }, (_, i) => store.append(key, turn(i), { windowPairs: 100, retentionDays: 1 })),
      );
      const loaded = contents(await store.load(key));
      expect(loaded).toHaveLength(2 * n);
      expect(new Set(loaded)).toEqual(
        new Set(Array.from({ length: n }, (_, i) => [`question ${i}`, `answer ${i}`]).flat()),
      );
      // Each turn stays whole: an answer always directly follows its own question.
      for (let i = 0; i < loaded.length; i += 2)
        expect(String(loaded[i + 1])).toBe(String(loaded[i]).replace("question", "answer"));
    });

    it("refuses a turn over the size limit with payload_too_large and stores nothing", async () => {
      const key = memoryKey(scope());
      const huge: StoredMessage[] = [{ role: "user", content: "x".repeat(MAX_TURN_BYTES) }];
      const err = await store.append(key, huge, opts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).code).toBe("payload_too_large");
      expect(await store.load(key)).toEqual([]);
    });

    it.each([
      [{ windowPairs: 101, retentionDays: 1 }],
      [{ windowPairs: -1, retentionDays: 1 }],
      [{ windowPairs: 1.5, retentionDays: 1 }],
      [{ windowPairs: 1, retentionDays: 0 }],
    ])("rejects out-of-range options %o before touching storage", async (bad) => {
      const key = memoryKey(scope());
      await expect(store.append(key, turn(1), bad)).rejects.toThrow();
      expect(await store.load(key)).toEqual([]);
    });
  });
}
