import { type ErrorCode, GatewayError, renderError } from "../errors";
import type { ChatCompletionChunk } from "../providers/openai-schema";
import type { ItemSink, StreamItem, StreamStage } from "./items";

/** Response headers for an OpenAI-style event stream; no-transform keeps proxies from buffering it. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
} as const;

const encoder = new TextEncoder();

function dataLine(payload: ChatCompletionChunk | object): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** The OpenAI error event a broken stream ends with (the same envelope as an error response). */
function errorLine(message: string, code: ErrorCode = "provider_error"): string {
  return dataLine(renderError(new GatewayError(code, message)).body);
}

const DONE_LINE = "data: [DONE]\n\n";

/** Items through `stages[from…]` in order: each stage's output is the next one's input. */
function through(stages: readonly StreamStage[], from: number, items: StreamItem[]): StreamItem[] {
  let current = items;
  for (let i = from; i < stages.length && current.length > 0; i++) {
    const stage = stages[i];
    if (!stage) break;
    const [only] = current;
    current =
      current.length === 1 && only !== undefined ? stage.push(only) : current.flatMap((item) => stage.push(item));
  }
  return current;
}

/**
 * The serialiser, as the sink of one pull from the source: items run through the stages and become
 * `data: {chunk}\n\n` or `data: {"error": …}\n\n`, and closing adds what the stages still hold and always
 * `data: [DONE]\n\n`, so clients never wait on a stream that has nothing more to say. Everything the source
 * produced from one upstream read leaves as one byte chunk: one write instead of one per event.
 */
export class SseBatch implements ItemSink {
  private text = "";
  /** Items the source put in, before the stages (a stage may pass on none). */
  received = 0;
  closed = false;

  constructor(private readonly stages: readonly StreamStage[]) {}

  enqueue(item: StreamItem): void {
    this.received++;
    this.write(through(this.stages, 0, [item]));
  }

  close(): void {
    for (const [i, stage] of this.stages.entries()) this.write(through(this.stages, i + 1, stage.end()));
    this.text += DONE_LINE;
    this.closed = true;
  }

  /** The bytes gathered so far (undefined when none), emptying the batch. */
  take(): Uint8Array | undefined {
    if (this.text === "") return undefined;
    const bytes = encoder.encode(this.text);
    this.text = "";
    return bytes;
  }

  private write(items: StreamItem[]): void {
    for (const item of items)
      this.text += item.type === "chunk" ? dataLine(item.chunk) : errorLine(item.message, item.code);
  }
}
