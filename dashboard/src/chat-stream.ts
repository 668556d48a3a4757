import { EventSourceParserStream } from "eventsource-parser/stream";

export interface StreamUpdate {
  text: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface Chunk {
  choices?: { delta?: { content?: string | null } }[];
  usage?: StreamUpdate["usage"] | null;
}

/** Reads an OpenAI-style SSE body to `[DONE]`, calling `onText` with each content delta as it arrives. */
export async function readChatStream(
  body: ReadableStream<BufferSource>,
  onText: (delta: string) => void,
): Promise<StreamUpdate> {
  const result: StreamUpdate = { text: "" };
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done || value.data === "[DONE]") break;
    const chunk = JSON.parse(value.data) as Chunk;
    const delta = chunk.choices?.[0]?.delta?.content ?? "";
    if (delta) {
      result.text += delta;
      onText(delta);
    }
    if (chunk.usage) result.usage = chunk.usage;
  }
  await reader.cancel().catch(() => undefined);
  return result;
}
