import type { TokenUsage } from "../providers/adapter";
import type { ChatCompletionChunk, FinishReason } from "../providers/openai-schema";

/**
 * What flows between the streaming stages: OpenAI chunks, and at most one terminal error that the
 * serialiser writes as an OpenAI error event before `[DONE]`. Stages see parsed chunks, never bytes.
 */
export type StreamItem = { type: "chunk"; chunk: ChatCompletionChunk } | { type: "error"; message: string };

export type StreamStage = TransformStream<StreamItem, StreamItem>;

/**
 * How a stream ended, for settling usage once it is over: `completed` (the provider's terminal event
 * arrived), `cancelled` (the client went away) or `failed` (upstream broke, stalled, or sent malformed
 * SSE). Usage is the provider's when it reported one, otherwise counted from the streamed text.
 */
export interface StreamOutcome {
  status: "completed" | "cancelled" | "failed";
  finishReason: FinishReason | null;
  usage: TokenUsage & { source: "provider" | "estimated" };
  /** Why a failed stream failed, already safe to show (names the provider, no secrets). */
  error?: string;
}
