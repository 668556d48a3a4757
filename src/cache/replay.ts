import type { CompletionMeta } from "../providers/adapter";
import type { ChatCompletion, ChatCompletionChunk } from "../providers/openai-schema";
import type { StreamOutcome, StreamStage } from "../streaming";
import { SseBatch } from "../streaming/serialize";

/**
 * A cached answer re-issued as this request's own: the gateway's id and created time of this request, the
 * content as stored. The model stays the one that answered.
 */
export function asThisRequest<T extends ChatCompletion | ChatCompletionChunk>(stored: T, meta: CompletionMeta): T {
  return { ...structuredClone(stored), id: meta.id, created: meta.created };
}

/**
 * Replays stored chunks as this request's event stream: through the same stages as a live stream (memory
 * collector, PII restore) and the same serialiser, so the bytes end in `data: [DONE]` exactly as a live
 * one does. One pull per chunk keeps a long answer from being built in memory twice.
 */
export function replayStream(
  chunks: readonly ChatCompletionChunk[],
  meta: CompletionMeta,
  stages: readonly StreamStage[],
  usage: StreamOutcome["usage"],
): { body: ReadableStream<Uint8Array>; outcome: Promise<StreamOutcome> } {
  let next = 0;
  let resolveOutcome: (outcome: StreamOutcome) => void = () => undefined;
  const outcome = new Promise<StreamOutcome>((resolve) => (resolveOutcome = resolve));
  const finishReason = chunks.findLast((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason ?? null;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const batch = new SseBatch(stages);
      let bytes: Uint8Array | undefined;
      // A stage may hold a chunk back (a placeholder split across chunks): read on until there is something
      // to send, since a pull that enqueues nothing is not called again.
      while (!bytes && !batch.closed) {
        const chunk = chunks[next++];
        if (chunk) batch.enqueue({ type: "chunk", chunk: asThisRequest(chunk, meta) });
        if (next >= chunks.length) batch.close();
        bytes = batch.take();
      }
      if (bytes) controller.enqueue(bytes);
      if (batch.closed) {
        controller.close();
        resolveOutcome({ status: "completed", finishReason, usage });
      }
    },
    cancel() {
      resolveOutcome({ status: "cancelled", finishReason, usage });
    },
  });
  return { body, outcome };
}
