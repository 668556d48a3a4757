import { newStreamState, type CompletionMeta, type ProviderAdapter } from "../providers/adapter";
import type { StreamOutcome, StreamStage } from "./items";
import { SseBatch } from "./serialize";
import { type AbortBound, upstreamSource } from "./upstream";

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
  /** Read on after a client abort for the provider's usage, within this bound (upstream.ts `AbortBound`). */
  afterAbort?: AbortBound;
  /** Applied in order between the source and the serialiser (PII restore, memory tap, …). */
  stages?: StreamStage[];
}

/**
 * Upstream SSE → adapter → stages → OpenAI SSE bytes, in one stream: each pull reads upstream, runs what it
 * produced through the stages and sends it as one chunk. Returns the body to send and a promise of how the
 * stream ended (resolves on completion, failure or client cancel) to settle usage in waitUntil.
 */
export function streamChatCompletion(options: StreamChatOptions): {
  body: ReadableStream<Uint8Array>;
  outcome: Promise<StreamOutcome>;
} {
  const source = upstreamSource({
    body: options.upstream,
    adapter: options.adapter,
    state: newStreamState(options.meta),
    providerLabel: options.providerLabel,
    promptTokensEstimate: options.promptTokensEstimate,
    includeUsage: options.includeUsage,
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.afterAbort && { afterAbort: options.afterAbort }),
  });
  const stages = options.stages ?? [];
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const batch = new SseBatch(stages);
      let bytes: Uint8Array | undefined;
      for (;;) {
        const before = batch.received;
        await source.pull(batch);
        bytes = batch.take();
        // A stage may pass nothing on for what the source produced: read on rather than return empty-handed.
        if (bytes || batch.closed || batch.received === before) break;
      }
      // A stage refused the rest of the answer (output PII under block): end here and hang up on the upstream.
      if (!batch.closed && stages.some((stage) => stage.halted?.())) {
        batch.close();
        bytes = concat(bytes, batch.take());
        await source.stop("refused by a stream stage");
      }
      if (bytes) controller.enqueue(bytes);
      if (batch.closed) controller.close();
    },
    cancel: (reason) => source.cancel(reason),
  });
  return { body, outcome: source.outcome };
}

function concat(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (!a || !b) return a ?? b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
