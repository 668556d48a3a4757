import type { ErrorCode } from "../errors";
import type { TokenUsage } from "../providers/adapter";
import type { ChatCompletionChunk, FinishReason } from "../providers/openai-schema";

/**
 * What flows between the streaming stages: OpenAI chunks, and at most one terminal error that the
 * serialiser writes as an OpenAI error event before `[DONE]`. Stages see parsed chunks, never bytes.
 */
export type StreamItem =
  | { type: "chunk"; chunk: ChatCompletionChunk }
  /** `code` defaults to `provider_error`; a guardrail that ends the stream names its own (`pii_detected`). */
  | { type: "error"; message: string; code?: ErrorCode };

/**
 * A step between the upstream source and the serialiser: each item in gives the items to pass on (none, the
 * same one, or more), and `end` what is still held once the source is over. Synchronous on purpose: a
 * TransformStream per stage cost a few promise turns per chunk, which measured as a third of a millisecond
 * of first-byte time in workerd (docs/bench/gateway.md).
 */
export interface StreamStage {
  push(item: StreamItem): StreamItem[];
  end(): StreamItem[];
  /** True once the stage refused the rest of the answer: the stream then ends and the upstream is cancelled. */
  halted?(): boolean;
}

/** Where a source puts what it produced: items, then `close` once after the last (a stream controller fits). */
export interface ItemSink {
  enqueue(item: StreamItem): void;
  close(): void;
}

/**
 * How a stream ended, for settling usage once it is over: `completed` (the provider's terminal event
 * arrived), `cancelled` (the client went away) or `failed` (upstream broke, stalled, or sent malformed
 * SSE). Usage is the provider's when it reported one, otherwise counted from the streamed text; after a client
 * abort that found no usage, the prompt and the whole reserved completion (`reserved`).
 */
export interface StreamOutcome {
  status: "completed" | "cancelled" | "failed";
  finishReason: FinishReason | null;
  usage: TokenUsage & { source: "provider" | "estimated" | "reserved" };
  /** Why a failed stream failed, already safe to show (names the provider, no secrets). */
  error?: string;
}
