import { z } from "zod";
import { ChatCompletionChunk, type FinishReason, type ToolCallDelta, type Usage } from "../providers/openai-schema";

const StreamError = z.object({
  error: z.object({ code: z.string(), message: z.string(), param: z.string().nullish() }),
});

export interface TranslatedEvent {
  event: string;
  data: object;
}

/** Turns the chat stream the pipeline produced into another API's events (responses/stream.ts, messages/stream.ts). */
export interface ChatStreamTranslator {
  chunk(chunk: ChatCompletionChunk): TranslatedEvent[];
  error(error: { code: string; message: string; param?: string | null }): TranslatedEvent[];
  /** The chat stream ended (`[DONE]`): close what is open. */
  end(): TranslatedEvent[];
}

/** What a translator does with each part of a chunk; `readChunk` calls them in the order the parts must be handled. */
export interface ChunkParts {
  start(chunk: ChatCompletionChunk): TranslatedEvent[];
  usage(usage: Usage): void;
  text(delta: string): TranslatedEvent[];
  toolCall(delta: ToolCallDelta): TranslatedEvent[];
  finish(reason: FinishReason): void;
}

/** One chat chunk through a translator's handlers: the stream's start, usage, text, tool calls, then the finish. */
export function readChunk(chunk: ChatCompletionChunk, parts: ChunkParts): TranslatedEvent[] {
  const events = parts.start(chunk);
  if (chunk.usage) parts.usage(chunk.usage);
  const choice = chunk.choices[0];
  if (!choice) return events;
  if (choice.delta.content) events.push(...parts.text(choice.delta.content));
  for (const delta of choice.delta.tool_calls ?? []) events.push(...parts.toolCall(delta));
  if (choice.finish_reason) parts.finish(choice.finish_reason);
  return events;
}

/**
 * The edge between the chat stream and another API's: reads the `data:` lines the chat serialiser wrote (one
 * chunk, an error envelope, or `[DONE]`) and writes `event: …\ndata: …` lines. Restore, memory and settlement
 * already ran inside the chat stream, so they are the same for every API.
 */
export function translateChatStream(body: ReadableStream<Uint8Array>, translator: ChatStreamTranslator) {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let ended = false;
  const render = (events: TranslatedEvent[]) =>
    events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join("");
  const translate = (line: string): string => {
    if (!line.startsWith("data: ")) return "";
    const payload = line.slice(6);
    if (payload === "[DONE]") {
      ended = true;
      return render(translator.end());
    }
    const json: unknown = JSON.parse(payload);
    const chunk = ChatCompletionChunk.safeParse(json);
    if (chunk.success) return render(translator.chunk(chunk.data));
    const failure = StreamError.safeParse(json);
    const error = failure.success
      ? failure.data.error
      : { code: "provider_error", message: "The provider stream failed." };
    return render(translator.error(error));
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(bytes, controller) {
        pending += decoder.decode(bytes, { stream: true });
        const blocks = pending.split("\n\n");
        pending = blocks.pop() ?? "";
        const text = blocks.map(translate).join("");
        if (text) controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        const text = [pending, ...(ended ? [] : ["data: [DONE]"])].map(translate).join("");
        if (text) controller.enqueue(encoder.encode(text));
      },
    }),
  );
}
