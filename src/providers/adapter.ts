import type { ChatCompletion, ChatCompletionChunk, ChatRequest, FinishReason } from "./openai-schema";

/**
 * The provider adapter contract (STYLE.md #7). An adapter is a handful of pure functions over plain
 * values: it never reads settings, key storage or the request context, performs no I/O, and never sees
 * SSE framing (the streaming module hands it parsed events).
 */

/** Where and as whom to call: plain values resolved by the caller. */
export interface ProviderTarget {
  model: string;
  apiKey: string;
  baseUrl: string;
}

export interface UpstreamRequest {
  url: string;
  init: { method: "POST" | "GET"; headers: Record<string, string>; body?: string };
}

/** Token counts as the provider reported them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** One parsed server-sent event, as eventsource-parser yields it. */
export interface SseEvent {
  event?: string | undefined;
  data: string;
}

/**
 * Mutable per-stream scratch shared by every adapter. `id`, `created` and `model` are set by the
 * caller so every provider's chunks carry the gateway's identifiers.
 */
export interface StreamState {
  id: string;
  created: number;
  model: string;
  /** The assistant role has been announced (translating adapters send it once, on the first delta). */
  started: boolean;
  /** The provider sent its terminal event ([DONE], message_stop, message-end, a finishReason). */
  done: boolean;
  finishReason: FinishReason | null;
  usage: TokenUsage | null;
  /** Provider block/call key → OpenAI tool_calls index. */
  toolCallIndex: Map<string, number>;
}

export function newStreamState(init: { id: string; created: number; model: string }): StreamState {
  return { ...init, started: false, done: false, finishReason: null, usage: null, toolCallIndex: new Map() };
}

/** The identifiers a translated completion carries (the provider's own id is not reused). */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export interface ProviderAdapter {
  /** Catalog id, e.g. "anthropic"; also the provider's name in error messages. */
  readonly id: string;
  toRequest(request: ChatRequest, target: ProviderTarget): UpstreamRequest;
  /** Translates a successful non-streaming body; throws `MalformedUpstream` when it is not the provider's shape. */
  fromResponse(json: unknown, meta: CompletionMeta): ChatCompletion;
  /** Zero or more OpenAI chunks for one event; records finish, usage and `done` in `state`. */
  fromStreamEvent(event: SseEvent, state: StreamState): ChatCompletionChunk[];
  /** Usage of a successful non-streaming body, or null when the provider gave none. */
  usage(json: unknown): TokenUsage | null;
  /** The human message inside a provider error body, if there is one. */
  errorMessage(json: unknown): string | null;
}

/** The upstream body is not the shape the provider documents. */
export class MalformedUpstream extends Error {
  override name = "MalformedUpstream";
}

/** The provider itself reported an error inside an otherwise healthy stream. */
export class ProviderStreamError extends Error {
  override name = "ProviderStreamError";
}

/** Builds one OpenAI chunk with a single choice; adapters fill in the delta. */
export function chunk(
  state: StreamState,
  delta: ChatCompletionChunk["choices"][number]["delta"],
  finishReason: FinishReason | null = null,
): ChatCompletionChunk {
  return {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/**
 * Whether a parsed event could be an error envelope (`{"error": …}`). Stream events run through this first: a
 * schema that fails builds a whole error report, and nearly every event is not an error.
 */
export function mayBeError(json: unknown): boolean {
  return typeof json === "object" && json !== null && "error" in json;
}

/** Parses an SSE data field as JSON, naming the provider when it is not. */
export function parseEventJson(providerId: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new MalformedUpstream(`${providerId} sent an event that is not JSON`);
  }
}
