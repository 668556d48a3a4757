import { createParser } from "eventsource-parser";
import { ProviderStreamError, type ProviderAdapter, type SseEvent, type StreamState } from "../providers/adapter";
import type { ChatCompletionChunk } from "../providers/openai-schema";
import { estimateTokens } from "../usage/token-count";
import type { ItemSink, StreamItem, StreamOutcome } from "./items";

export interface UpstreamOptions {
  body: ReadableStream<Uint8Array>;
  adapter: ProviderAdapter;
  state: StreamState;
  /** Used in error messages, e.g. "Anthropic". */
  providerLabel: string;
  /** Prompt tokens to settle with when the provider reports none (from estimatePromptTokens). */
  promptTokensEstimate: number;
  /** Emit one final usage chunk (`choices: []`), as OpenAI does for `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Fail the stream when the provider sends nothing for this long (it would otherwise hang). */
  idleTimeoutMs?: number;
  /** With it, a client cancel reads on for the provider's usage (see `AbortBound`); without, it hangs up at once. */
  afterAbort?: AbortBound;
}

/**
 * How long a stream whose client hung up is still read for the provider's usage. Providers bill what they
 * generated after the hang-up, and a client could otherwise hang up to pay for the visible text only. Below
 * the 30 s a Worker's waitUntil may run after its response.
 */
export const DRAIN_AFTER_ABORT_MS = 15_000;

/** What bounds reading on after a client abort (docs/limits.md, "Client aborts"). */
export interface AbortBound {
  /** The completion admission reserved (max completion × n): charged when no usage arrives within the bound. */
  reservedCompletionTokens: number;
  /** Defaults to DRAIN_AFTER_ABORT_MS. */
  maxMs?: number;
}

/** Where what arrives after a client abort goes: nowhere. */
const DISCARD: ItemSink = { enqueue: () => undefined, close: () => undefined };

class Stalled extends Error {}

/** Text a chunk adds to the completion; what the estimate counts when the provider gives no usage. */
function chunkText(chunk: ChatCompletionChunk): string {
  let text = "";
  for (const choice of chunk.choices) {
    text += choice.delta.content ?? "";
    for (const call of choice.delta.tool_calls ?? [])
      text += (call.function?.name ?? "") + (call.function?.arguments ?? "");
  }
  return text;
}

export interface UpstreamSource {
  /**
   * Reads upstream until it has put at least one item into `sink` or closed it (a pull that returns
   * empty-handed is not called again by a stream, which would leave the client waiting forever, e.g.
   * after a keep-alive ping). Empty-handed only once the stream was cancelled.
   */
  pull(sink: ItemSink): Promise<void>;
  /**
   * The client went away. With `afterAbort`, reads on in the background for the provider's usage (the outcome
   * waits for it); without, cancels the upstream body at once.
   */
  cancel(reason?: unknown): Promise<void>;
  /** The gateway ends the stream itself (a stage refused the rest): cancels the upstream body at once. */
  stop(reason?: unknown): Promise<void>;
  outcome: Promise<StreamOutcome>;
}

/** `upstreamSource` as a stream of items (the operator meter reads it this way). */
export function upstreamChunks(options: UpstreamOptions): {
  stream: ReadableStream<StreamItem>;
  outcome: Promise<StreamOutcome>;
} {
  const source = upstreamSource(options);
  const stream = new ReadableStream<StreamItem>({
    pull: (controller) => source.pull(controller),
    cancel: (reason) => source.cancel(reason),
  });
  return { stream, outcome: source.outcome };
}

/**
 * The source stage: reads upstream SSE bytes on demand (pull, so nothing is buffered ahead of the
 * client), parses events with eventsource-parser, and asks the adapter for OpenAI chunks. It is the only
 * stage that knows how the stream ended, so it also produces the outcome.
 */
export function upstreamSource(options: UpstreamOptions): UpstreamSource {
  const { adapter, state, providerLabel } = options;
  const reader = options.body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let malformed = false;
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onError: () => (malformed = true),
  });
  let generated = "";
  let resolveOutcome!: (outcome: StreamOutcome) => void;
  const outcome = new Promise<StreamOutcome>((resolve) => (resolveOutcome = resolve));
  let ended = false;
  /** Set once the client hung up and the stream is read on for the provider's usage. */
  let aborted = false;

  function settle(status: StreamOutcome["status"], error?: string): StreamOutcome["usage"] {
    if (aborted) return settleAborted(status === "completed");
    const estimated = estimateTokens(generated);
    const reported = state.usage;
    // A cut-short stream may carry only the provider's opening count; never settle for less than was seen.
    const usage: StreamOutcome["usage"] = reported
      ? {
          promptTokens: reported.promptTokens,
          completionTokens:
            status === "completed" ? reported.completionTokens : Math.max(reported.completionTokens, estimated),
          source: "provider",
        }
      : { promptTokens: options.promptTokensEstimate, completionTokens: estimated, source: "estimated" };
    if (!ended) {
      ended = true;
      resolveOutcome({ status, finishReason: state.finishReason, usage, ...(error ? { error } : {}) });
    }
    return usage;
  }

  /**
   * After a client abort: the provider's usage when the stream completed with one, else the prompt (reported, or
   * estimated) and the whole reserved completion, since the provider may have generated and billed all of it.
   */
  function settleAborted(completedWithUsage: boolean): StreamOutcome["usage"] {
    const reported = state.usage;
    const usage: StreamOutcome["usage"] =
      completedWithUsage && reported
        ? { promptTokens: reported.promptTokens, completionTokens: reported.completionTokens, source: "provider" }
        : {
            promptTokens: reported?.promptTokens ?? options.promptTokensEstimate,
            completionTokens: options.afterAbort?.reservedCompletionTokens ?? estimateTokens(generated),
            source: "reserved",
          };
    if (!ended) {
      ended = true;
      resolveOutcome({ status: "cancelled", finishReason: state.finishReason, usage });
    }
    return usage;
  }

  /**
   * Reads on, output discarded, until the stream ends (its usage charged), or the time or the reserved
   * completion runs out (the upstream cancelled, the reservation charged). Runs in the request's waitUntil,
   * which awaits the outcome.
   */
  async function drainAfterAbort(bound: AbortBound, reason: unknown): Promise<void> {
    aborted = true;
    const timer = setTimeout(() => {
      settleAborted(false);
      reader.cancel(reason).catch(() => {});
    }, bound.maxMs ?? DRAIN_AFTER_ABORT_MS);
    // A character adds at most one token, so the estimate (a scan of the whole text) is only redone once the
    // text has grown by what is still missing to the reservation.
    let checkAt = 0;
    try {
      await pulling;
      while (!ended) {
        if (generated.length >= checkAt) {
          const missing = bound.reservedCompletionTokens - estimateTokens(generated);
          if (missing <= 0) break;
          checkAt = generated.length + missing;
        }
        await source.pull(DISCARD);
      }
    } finally {
      clearTimeout(timer);
      if (!ended) settleAborted(false);
      reader.cancel(reason).catch(() => {});
    }
  }

  function fail(sink: ItemSink, message: string) {
    settle("failed", message);
    sink.enqueue({ type: "error", message });
    sink.close();
    reader.cancel().catch(() => {});
  }

  function complete(sink: ItemSink) {
    const usage = settle("completed");
    if (options.includeUsage)
      sink.enqueue({
        type: "chunk",
        chunk: {
          id: state.id,
          object: "chat.completion.chunk",
          created: state.created,
          model: state.model,
          choices: [],
          usage: {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: usage.promptTokens + usage.completionTokens,
          },
        },
      });
    sink.close();
    // Providers close right after their terminal event; read that close instead of cancelling, so a
    // finished stream is never reported upstream as a cancelled one.
    reader.read().then(
      (rest) => (rest.done ? undefined : reader.cancel()),
      () => undefined,
    );
  }

  /** Turns queued events into items; returns how many it enqueued, or "closed". */
  function drain(sink: ItemSink): number | "closed" {
    if (malformed) return (fail(sink, `${providerLabel} sent a malformed event stream.`), "closed");
    let enqueued = 0;
    for (let event = events.shift(); event; event = events.shift()) {
      let chunks: ChatCompletionChunk[];
      try {
        chunks = adapter.fromStreamEvent(event, state);
      } catch (err) {
        // Like a whole upstream 5xx (providers/upstream-error.ts): the provider's own text is not shown, since
        // it may echo the prompt, a key or an internal URL; the provider is named, the stream settles as failed.
        const message =
          err instanceof ProviderStreamError
            ? `${providerLabel} reported an error mid-stream.`
            : `${providerLabel} sent a malformed event stream.`;
        return (fail(sink, message), "closed");
      }
      for (const chunk of chunks) {
        generated += chunkText(chunk);
        sink.enqueue({ type: "chunk", chunk });
        enqueued++;
      }
      if (state.done) return (complete(sink), "closed");
    }
    return enqueued;
  }

  async function read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!options.idleTimeoutMs) return reader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Stalled()), options.idleTimeoutMs)),
    );
    try {
      return await Promise.race([reader.read(), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function pull(sink: ItemSink): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await read();
        if (done) {
          parser.reset({ consume: true }); // a last event without its blank line still counts
          if (drain(sink) === "closed") return;
          // Some family members close without [DONE] after a finish_reason; that is still a clean end.
          if (state.finishReason !== null) return complete(sink);
          return fail(sink, `${providerLabel} ended the stream before the response was complete.`);
        }
        parser.feed(decoder.decode(value, { stream: true }));
        const drained = drain(sink);
        if (drained === "closed" || drained > 0) return;
      }
    } catch (err) {
      if (ended) return;
      fail(
        sink,
        err instanceof Stalled
          ? `${providerLabel} stopped sending data.`
          : `${providerLabel} connection broke mid-stream.`,
      );
    }
  }
  /** The pull under way: a reader allows one pending read, so reading on after an abort waits for it. */
  let pulling: Promise<void> = Promise.resolve();

  const source: UpstreamSource = {
    outcome,
    pull(sink) {
      pulling = pull(sink);
      return pulling;
    },
    cancel(reason) {
      if (options.afterAbort && !ended) {
        // Not awaited: the client is gone and must not wait; the outcome (in waitUntil) waits for it.
        void drainAfterAbort(options.afterAbort, reason);
        return Promise.resolve();
      }
      return source.stop(reason);
    },
    stop(reason) {
      settle("cancelled");
      return reader.cancel(reason).catch(() => {});
    },
  };
  return source;
}
