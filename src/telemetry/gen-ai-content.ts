import { type ChatRequest, contentText } from "../providers/openai-schema";

/**
 * Prompt and completion text for a span (`gen_ai.input.messages`, `gen_ai.output.messages`), in the GenAI
 * conventions' JSON shape: `[{ role, parts: [{ type: "text", content }] }]`. Only for projects that keep
 * content (docs/observability.md); the text is what the provider saw and wrote, so masked PII stays masked.
 * The text of one attribute is cut at MAX_CONTENT_CHARS in total (collectors refuse or truncate larger
 * values anyway); the JSON stays valid and a cut part ends with TRUNCATED.
 */
export const MAX_CONTENT_CHARS = 32_000;
export const TRUNCATED = "…[truncated]";

export function inputMessages(messages: ChatRequest["messages"]): string {
  return encode(messages.map((message) => ({ role: message.role, text: contentText(message.content) })));
}

export function outputMessages(text: string): string {
  return encode([{ role: "assistant", text }]);
}

function encode(messages: { role: string; text: string }[]): string {
  let budget = MAX_CONTENT_CHARS;
  return JSON.stringify(
    messages.map(({ role, text }) => {
      const kept = text.length <= budget ? text : `${text.slice(0, budget)}${TRUNCATED}`;
      budget = Math.max(0, budget - text.length);
      return { role, parts: kept === "" ? [] : [{ type: "text", content: kept }] };
    }),
  );
}
