import { z } from "zod";

/**
 * What memory keeps of a chat message: the OpenAI fields a later request needs to replay it.
 * Objects are loose so content parts and tool-call fields we do not know survive a round trip.
 */
const ContentPart = z.looseObject({ type: z.string() });
const ToolCall = z.looseObject({
  id: z.string(),
  type: z.string(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const StoredMessage = z.object({
  role: z.enum(["user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(ContentPart), z.null()]),
  name: z.string().optional(),
  tool_calls: z.array(ToolCall).optional(),
  tool_call_id: z.string().optional(),
});
export type StoredMessage = z.infer<typeof StoredMessage>;

/** One exchange as stored: the request's new messages and the answer. A store keeps whole turns. */
export const StoredTurn = z.array(StoredMessage);

export const AppendOptions = z.object({
  /** `memory_window`: how many message pairs survive the append (0 keeps nothing). */
  windowPairs: z.number().int().min(0).max(100),
  /** `retention_days`: the conversation expires this long after its last append. */
  retentionDays: z.number().int().min(1).max(3_650),
});
export type AppendOptions = z.infer<typeof AppendOptions>;

export interface LoadOptions {
  /** Return at most this many pairs (the current `memory_window`, which may be smaller than when stored). */
  windowPairs?: number;
}

/**
 * A conversation store. `key` comes from `memoryKey()` and already names project, user and session, so a
 * store never sees one without the others. Faults surface only as `GatewayError("memory_unavailable")`
 * (503); a turn over MAX_TURN_BYTES as `payload_too_large`.
 */
export interface MemoryStore {
  /** Oldest first; an unknown, expired or cleared key is an empty history. */
  load(key: string, options?: LoadOptions): Promise<StoredMessage[]>;
  /** Appends one turn atomically (concurrent appends all land), trims to the window, renews retention. */
  append(key: string, messages: readonly StoredMessage[], options: AppendOptions): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes the key's history if its retention has passed (the DO store; Redis expires keys itself). */
  purgeExpired?(key: string): Promise<boolean>;
}

/**
 * The largest turn we store, as JSON bytes. Durable Object SQLite rows cap at 2 MB and Upstash requests at
 * 1 MB on small plans; a larger turn is refused whole (`payload_too_large`) rather than cut.
 */
export const MAX_TURN_BYTES = 900_000;
