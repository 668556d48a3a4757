import { contentText, type ChatMessage } from "./openai-schema";

/** Pieces of an OpenAI conversation that the translating adapters (anthropic, google, cohere) all need. */

/** System and developer messages joined in order; the translating APIs take one system text. */
export function splitSystem(messages: readonly ChatMessage[]): { system: string | null; turns: ChatMessage[] } {
  const system: string[] = [];
  const turns: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === "system" || message.role === "developer") system.push(contentText(message.content));
    else turns.push(message);
  }
  return { system: system.length ? system.join("\n\n") : null, turns };
}

/** `data:<mime>;base64,<data>` split into its parts, or null for an ordinary URL. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | null {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mimeType: match[1] ?? "application/octet-stream", data: match[2] ?? "" } : null;
}

/**
 * Tool-call arguments arrive as a JSON string in OpenAI's format and as an object elsewhere. A model can
 * emit invalid JSON; it is kept under `_raw` instead of failing the whole request.
 */
export function parseToolArguments(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { _raw: args };
  }
}

/** `stop` as a list, whichever form the request used. */
export function stopList(stop: string | string[] | null | undefined): string[] | undefined {
  if (stop == null) return undefined;
  return typeof stop === "string" ? [stop] : stop;
}

/** The completion cap, preferring OpenAI's newer field. */
export function maxOutputTokens(request: { max_tokens?: number | null; max_completion_tokens?: number | null }) {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}
