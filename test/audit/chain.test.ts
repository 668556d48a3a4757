import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  chainEntry,
  entryHash,
  GENESIS_HASH,
  verifyChain,
  type AuditContent,
  type AuditEntry,
} from "../../src/audit/chain";

const content = (n: number, overrides: Partial<AuditContent> = {}): Omit<AuditContent, "seq"> => ({
  id: `aud_${n}`,
  tenant_id: "ten_1",
  actor_id: "operator",
  actor_role: "operator",
  action: "project.update",
  target: "project:prj_1",
  before: n === 1 ? null : canonicalJson({ name: `v${n - 1}` }),
  after: canonicalJson({ name: `v${n}` }),
  created_at: 1_700_000_000_000 + n,
  ...overrides,
});

async function chain(length: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let n = 1; n <= length; n++) entries.push(await chainEntry(entries.at(-1) ?? null, content(n)));
  return entries;
}

describe("canonicalJson", () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ a: { d: [3, { f: 1, e: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"e":2,"f":1}]}}'],
    [{ a: undefined, b: "x" }, '{"b":"x"}'],
    [[undefined, 1], "[null,1]"],
    ["line\nbreak \u2028", JSON.stringify("line\nbreak \u2028")],
    [true, "true"],
    [null, "null"],
    [1.5, "1.5"],
  ])("%j → %s", (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("gives the same text whatever order the keys were inserted in", () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });

  it.each([NaN, Infinity, -Infinity])("refuses %s (JSON cannot carry it)", (value) => {
    expect(() => canonicalJson({ value })).toThrow(RangeError);
  });

  it("refuses values JSON cannot represent", () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});

describe("chainEntry", () => {
  it("starts at seq 1 from the genesis hash and links each entry to its predecessor", async () => {
    const [first, second, third] = await chain(3);
    expect(first).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prev_hash: first!.hash });
    expect(third).toMatchObject({ seq: 3, prev_hash: second!.hash });
    for (const entry of [first, second, third]) expect(entry!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is deterministic: the same content after the same head gives the same hash", async () => {
    const a = await chainEntry(null, content(1));
    const b = await chainEntry(null, content(1));
    expect(a.hash).toBe(b.hash);
  });

  it("covers the predecessor: the same content after another head hashes differently", async () => {
    const a = await chainEntry({ seq: 4, hash: "a".repeat(64) }, content(5));
    const b = await chainEntry({ seq: 4, hash: "b".repeat(64) }, content(5));
    expect(a.hash).not.toBe(b.hash);
  });

  it.each<[keyof AuditContent, unknown]>([
    ["id", "aud_other"],
    ["tenant_id", "ten_2"],
    ["seq", 9],
    ["actor_id", "adm_x"],
    ["actor_role", "tenant_admin"],
    ["action", "project.delete"],
    ["target", "project:prj_2"],
    ["before", '{"name":"forged"}'],
    ["after", null],
    ["created_at", 1],
  ])("covers the %s column", async (field, value) => {
    const entry = await chainEntry(null, content(1));
    expect(await entryHash(entry.prev_hash, { ...entry, [field]: value })).not.toBe(entry.hash);
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain and an empty one", async () => {
    const entries = await chain(5);
    expect(await verifyChain(entries)).toMatchObject({
      ok: true,
      state: { entries: 5, expectedSeq: 6, prevHash: entries[4]!.hash },
    });
    expect(await verifyChain([])).toMatchObject({
      ok: true,
      state: { entries: 0, expectedSeq: 1, prevHash: GENESIS_HASH },
    });
  });

  it("verifies page by page from a carried state", async () => {
    const entries = await chain(6);
    const first = await verifyChain(entries.slice(0, 4));
    expect(first.ok).toBe(true);
    expect(await verifyChain(entries.slice(4), first.state)).toMatchObject({ ok: true, state: { entries: 6 } });
  });

  type Tamper = [
    name: string,
    tamper: (entries: AuditEntry[]) => AuditEntry[],
    expected: { seq: number; id: string; reason: string },
  ];
  const cases: Tamper[] = [
    [
      "an edited column",
      (e) => e.map((x) => (x.seq === 3 ? { ...x, after: '{"name":"forged"}' } : x)),
      { seq: 3, id: "aud_3", reason: "hash_mismatch" },
    ],
    [
      "an edited actor",
      (e) => e.map((x) => (x.seq === 2 ? { ...x, actor_id: "someone" } : x)),
      { seq: 2, id: "aud_2", reason: "hash_mismatch" },
    ],
    ["a deleted middle entry", (e) => e.filter((x) => x.seq !== 3), { seq: 4, id: "aud_4", reason: "seq_gap" }],
    ["a deleted first entry", (e) => e.slice(1), { seq: 2, id: "aud_2", reason: "seq_gap" }],
    ["swapped entries", (e) => [e[0]!, e[2]!, e[1]!, e[3]!, e[4]!], { seq: 3, id: "aud_3", reason: "seq_gap" }],
    [
      "a re-hashed edit (the next entry no longer points at it)",
      (e) => e.map((x) => (x.seq === 2 ? { ...x, hash: "f".repeat(64) } : x)),
      { seq: 2, id: "aud_2", reason: "hash_mismatch" },
    ],
    [
      "a consistently rewritten entry (valid own hash, successor breaks)",
      (e) => e.map((x) => (x.seq === 2 ? { ...x, after: '{"x":1}', hash: "" } : x)),
      { seq: 2, id: "aud_2", reason: "hash_mismatch" },
    ],
    [
      "a duplicated seq",
      (e) => [e[0]!, e[1]!, { ...e[1]!, id: "aud_dup" }, ...e.slice(2)],
      { seq: 2, id: "aud_dup", reason: "seq_gap" },
    ],
  ];

  it.each(cases)("names the first bad entry after %s", async (_name, tamper, expected) => {
    const result = await verifyChain(tamper(await chain(5)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.firstBad).toEqual(expected);
  });

  it("detects an entry rewritten with a recomputed hash through its successor's prev_hash", async () => {
    const entries = await chain(4);
    const forged = { ...entries[1]!, after: '{"name":"forged"}' };
    forged.hash = await entryHash(forged.prev_hash, forged);
    const result = await verifyChain([entries[0]!, forged, entries[2]!, entries[3]!]);
    expect(result).toMatchObject({
      ok: false,
      firstBad: { seq: 3, id: "aud_3", reason: "prev_hash_mismatch" },
      state: { entries: 2 },
    });
  });
});
