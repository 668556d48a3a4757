import type { ProviderAdapter } from "../../src/providers/adapter";
import type { ChatCompletionChunk, ToolCall } from "../../src/providers/openai-schema";
import { streamChatCompletion } from "../../src/streaming";
import { bodyFrom, parseOutput, readText, textOf, type SseOut } from "../streaming/sse-helpers";

export const META = { id: "chatcmpl-gw", created: 1700000000, model: "test-model" };

/** Runs a recorded provider stream through the real streaming pipeline and returns what a client sees. */
export async function streamFixture(adapter: ProviderAdapter, fixture: string) {
  const { body, outcome } = streamChatCompletion({
    upstream: bodyFrom(fixture),
    adapter,
    providerLabel: adapter.id,
    meta: META,
    includeUsage: true,
    promptTokensEstimate: 0,
  });
  const out = parseOutput(await readText(body));
  return { out, text: textOf(out), toolCalls: assembleToolCalls(out), outcome: await outcome };
}

/** Folds tool-call deltas back into whole calls, the way OpenAI SDKs do. */
export function assembleToolCalls(out: SseOut[]): ToolCall[] {
  const calls: ToolCall[] = [];
  const chunks: ChatCompletionChunk[] = out.flatMap((o) => ("chunk" in o ? [o.chunk] : []));
  for (const chunk of chunks)
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
      if (delta.id) call.id = delta.id;
      call.function.name += delta.function?.name ?? "";
      call.function.arguments += delta.function?.arguments ?? "";
    }
  return calls;
}

export function finishReasons(out: SseOut[]): Array<string | null> {
  return out
    .flatMap((o) => ("chunk" in o ? o.chunk.choices.map((c) => c.finish_reason) : []))
    .filter((r) => r !== null);
}
