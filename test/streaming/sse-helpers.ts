import type { ChatCompletionChunk } from "../../src/providers/openai-schema";

/** Test helpers: upstream bodies made of chosen byte pieces, and reading our SSE output back. */

const encoder = new TextEncoder();

/** A body that delivers `text` as UTF-8 bytes cut at the given byte offsets (so cuts may split a character). */
export function bodyFrom(text: string, cuts: number[] = []): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length];
  const pieces = points.slice(1).map((end, i) => bytes.slice(points[i], end));
  return new ReadableStream({
    pull(controller) {
      const piece = pieces.shift();
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
}

/** A body that sends `text` and then errors, as a dropped connection does. */
export function brokenBody(text: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error("connection reset"));
      sent = true;
      controller.enqueue(encoder.encode(text));
    },
  });
}

export async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

export type SseOut = { done: true } | { error: { message: string; code: string } } | { chunk: ChatCompletionChunk };

/** Splits our serialised output into its data payloads, checking each frame is `data: …\n\n`. */
export function parseOutput(text: string): SseOut[] {
  if (!text.endsWith("\n\n"))
    throw new Error(`output does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((frame) => {
      if (!frame.startsWith("data: ")) throw new Error(`not a data frame: ${frame}`);
      const data = frame.slice(6);
      if (data === "[DONE]") return { done: true as const };
      const json = JSON.parse(data) as { error?: { message: string; code: string } } & ChatCompletionChunk;
      return json.error ? { error: json.error } : { chunk: json };
    });
}

/** The assistant text of choice 0 across chunks. */
export function textOf(out: SseOut[]): string {
  return out
    .map((o) => ("chunk" in o ? (o.chunk.choices.find((c) => c.index === 0)?.delta.content ?? "") : ""))
    .join("");
}

/** The tool-call arguments a client reassembles from the streamed deltas, across choices and calls. */
export function toolArgumentsOf(out: SseOut[]): string {
  let joined = "";
  for (const item of out)
    if ("chunk" in item)
      for (const choice of item.chunk.choices)
        for (const call of choice.delta.tool_calls ?? []) joined += call.function?.arguments ?? "";
  return joined;
}
