import { sha256Hex } from "../auth/hex";

/**
 * The audit hash chain, as pure functions (no I/O; SHA-256 through WebCrypto, available in workerd and Node).
 *
 * Mechanism: entries of one tenant form a chain ordered by `seq` (1, 2, 3, …). Each entry stores
 * `prev_hash` (the previous entry's `hash`, or GENESIS_HASH for seq 1) and
 * `hash = SHA-256(prev_hash || "\n" || canonicalJson(content))`, where `content` is every other stored
 * column. Changing any column of any entry, removing an entry in the middle, or reordering entries changes
 * a hash that a later entry (or the recomputation) no longer matches, so `verifyChain` names the first
 * bad entry.
 *
 * Trade-off: a chain alone cannot reveal that its newest entries were cut off (the remaining prefix is
 * still a valid chain). `verify` reports the head hash and count so an operator can record them elsewhere
 * (a ticket, an external log) and compare later; see docs/audit.md.
 */

/** `prev_hash` of the first entry of every chain. */
export const GENESIS_HASH = "0".repeat(64);

/** The chain of actions that belong to no tenant (the global kill switch). */
export const GLOBAL_CHAIN = "_global";

/** What one stored row holds, in the field names of the API (JSON texts stay as stored). */
export interface AuditContent {
  id: string;
  tenant_id: string;
  seq: number;
  actor_id: string;
  actor_role: string;
  action: string;
  target: string;
  /** Canonical JSON text of the state before the change, or null for a creation. */
  before: string | null;
  /** Canonical JSON text of the state after the change, or null for a deletion. */
  after: string | null;
  /** Epoch ms. */
  created_at: number;
}

export interface AuditEntry extends AuditContent {
  prev_hash: string;
  hash: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deterministic JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped (as
 * JSON.stringify does). Two equal values always give the same text, so the hash never depends on the
 * order a route happened to build an object in. Non-finite numbers are refused: JSON cannot carry them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new RangeError("canonicalJson: non-finite number");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value))
        return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

/** The hash of one entry given its predecessor's hash. */
export async function entryHash(prevHash: string, content: AuditContent): Promise<string> {
  const { id, tenant_id, seq, actor_id, actor_role, action, target, before, after, created_at } = content;
  const covered = { id, tenant_id, seq, actor_id, actor_role, action, target, before, after, created_at };
  return sha256Hex(`${prevHash}\n${canonicalJson(covered)}`);
}

/** Links new content after `head` (the newest entry, or null for an empty chain). */
export async function chainEntry(
  head: { seq: number; hash: string } | null,
  content: Omit<AuditContent, "seq">,
): Promise<AuditEntry> {
  const seq = head ? head.seq + 1 : 1;
  const prevHash = head ? head.hash : GENESIS_HASH;
  const linked = { ...content, seq };
  return { ...linked, prev_hash: prevHash, hash: await entryHash(prevHash, linked) };
}

export type BreakReason = "seq_gap" | "prev_hash_mismatch" | "hash_mismatch";

/** Where a verification walk stands: the next seq it expects and the hash that entry must point at. */
export interface VerifyState {
  entries: number;
  expectedSeq: number;
  prevHash: string;
}

export const VERIFY_START: VerifyState = { entries: 0, expectedSeq: 1, prevHash: GENESIS_HASH };

export type VerifyResult =
  | { ok: true; state: VerifyState }
  | { ok: false; state: VerifyState; firstBad: { seq: number; id: string; reason: BreakReason } };

/**
 * Checks a run of entries (ascending seq) continuing from `state`, so a long chain can be verified page by
 * page with bounded memory. Stops at the first bad entry:
 * - `seq_gap`: the entry's seq is not the next one (an entry before it was deleted, or seqs were edited);
 * - `prev_hash_mismatch`: it does not point at its predecessor's hash (predecessor replaced or re-hashed);
 * - `hash_mismatch`: its own columns no longer give its stored hash (the row was edited).
 */
export async function verifyChain(
  entries: readonly AuditEntry[],
  state: VerifyState = VERIFY_START,
): Promise<VerifyResult> {
  let current = state;
  for (const entry of entries) {
    const bad = (reason: BreakReason): VerifyResult => ({
      ok: false,
      state: current,
      firstBad: { seq: entry.seq, id: entry.id, reason },
    });
    if (entry.seq !== current.expectedSeq) return bad("seq_gap");
    if (entry.prev_hash !== current.prevHash) return bad("prev_hash_mismatch");
    if ((await entryHash(entry.prev_hash, entry)) !== entry.hash) return bad("hash_mismatch");
    current = { entries: current.entries + 1, expectedSeq: entry.seq + 1, prevHash: entry.hash };
  }
  return { ok: true, state: current };
}
