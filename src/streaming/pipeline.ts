import { newStreamState, type CompletionMeta, type ProviderAdapter } from "../providers/adapter";
import type { StreamOutcome, StreamStage } from "./items";
import { serializeSse } from "./serialize";
import { upstreamChunks } from "./upstream";

export interface StreamChatOptions {
  /** The upstream response body (SSE in the provider's own format). */
  upstream: ReadableStream<Uint8Array>;
  adapter: ProviderAdapter;
  providerLabel: string;
  /** The gateway's id, created time and model name, carried by every chunk. */
  meta: CompletionMeta;
  includeUsage: boolean;
  promptTokensEstimate: number;
  idleTimeoutMs?: number;
  /** Inserted in order between the source and the serialiser (PII restore, memory tap, …). */
  stages?: StreamStage[];
}

/**
 * Upstream SSE → adapter → stages → OpenAI SSE bytes. Returns the body to send and a promise of how the
 * stream ended (resolves on completion, failure or client cancel) to settle usage in waitUntil.
 */
export function streamChatCompletion(options: StreamChatOptions): { body: ReadableStream<Uint8Array>; outcome: Promise<StreamOutcome> } {
  const { stream, outcome } = upstreamChunks({
    body: options.upstream,
    adapter: options.adapter,
    state: newStreamState(options.meta),
    providerLabel: options.providerLabel,
    promptTokensEstimate: options.promptTokensEstimate,
    includeUsage: options.includeUsage,
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  let items = stream;
  for (const stage of options.stages ?? []) items = items.pipeThrough(stage);
  return { body: items.pipeThrough(serializeSse()), outcome };
}
