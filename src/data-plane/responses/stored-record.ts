import { z } from "zod";
import { ChatMessage } from "../../providers/openai-schema";
import type { ResponseOutputItem } from "./from-chat";

/**
 * What `store: true` keeps of one response (pure helpers; store.ts does the I/O): the Response object as the
 * client got it, and the conversation a later `previous_response_id` continues, both in the form the provider
 * saw. Under PII masking that is the masked form: the originals are never stored, so a stored response read
 * back shows placeholders where the client saw its own values.
 */
export const StoredResponse = z.object({
  response: z.record(z.string(), z.unknown()),
  /** Earlier turns, this request's input items and the answer, as chat messages (no `instructions`). */
  conversation: z.array(ChatMessage),
});
export type StoredResponse = z.infer<typeof StoredResponse>;

/** The provider's form of a restored value: each original the request masked goes back to its placeholder. */
export function remask<T>(value: T, placeholders: Readonly<Record<string, string>>): T {
  const pairs = Object.entries(placeholders).sort(([, a], [, b]) => b.length - a.length);
  if (pairs.length === 0) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === "string")
      return pairs.reduce((text, [placeholder, original]) => text.split(original).join(placeholder), node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(value) as T;
}

/** The answer's output items as the one assistant chat message a follow-up sends back. */
export function assistantMessageOf(output: readonly ResponseOutputItem[]): ChatMessage | null {
  const text = output
    .flatMap((item) => (item.type === "message" ? item.content.map((part) => part.text) : []))
    .join("");
  const toolCalls = output.flatMap((item) =>
    item.type === "function_call"
      ? [{ id: item.call_id, type: "function" as const, function: { name: item.name, arguments: item.arguments } }]
      : [],
  );
  if (!text && toolCalls.length === 0) return null;
  return { role: "assistant", content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/** The record to store, from what the provider saw (`conversation`) and the restored Response object. */
export function storedRecord(
  conversation: readonly ChatMessage[],
  response: { output: ResponseOutputItem[] } & Record<string, unknown>,
  placeholders: Readonly<Record<string, string>>,
): StoredResponse {
  const masked = remask(response, placeholders);
  const answer = assistantMessageOf(masked.output);
  return { response: masked, conversation: answer ? [...conversation, answer] : [...conversation] };
}
