import { GatewayError, renderError } from "../errors";
import type { ChatCompletionChunk } from "../providers/openai-schema";
import type { StreamItem } from "./items";

/** Response headers for an OpenAI-style event stream; no-transform keeps proxies from buffering it. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
} as const;

const encoder = new TextEncoder();

export function sseData(payload: ChatCompletionChunk | object): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
}

export const DONE = encoder.encode("data: [DONE]\n\n");

/** The OpenAI error event a broken stream ends with (the same envelope as an error response). */
export function errorEvent(message: string): Uint8Array {
  return sseData(renderError(new GatewayError("provider_error", message)).body);
}

/**
 * The last stage: `data: {chunk}\n\n` per chunk, `data: {"error": …}\n\n` for a failure, and always
 * `data: [DONE]\n\n` at the end, so clients never wait on a stream that has nothing more to say.
 */
export function serializeSse(): TransformStream<StreamItem, Uint8Array> {
  return new TransformStream<StreamItem, Uint8Array>({
    transform(item, controller) {
      controller.enqueue(item.type === "chunk" ? sseData(item.chunk) : errorEvent(item.message));
    },
    flush(controller) {
      controller.enqueue(DONE);
    },
  });
}
