import { contentText, type ChatMessage, type Tool } from "../providers/openai-schema";

/**
 * A deterministic token estimate for when a provider reports no usage, and for reserving budget before
 * a call. It is not any provider's tokenizer; it approximates BPE tokenizers' ~4 characters per English
 * token with word-aware rules, so it neither undercounts short words nor overcounts whitespace:
 *
 *  - a run of letters/digits (a word) costs round(length / 4) tokens (halves up), at least 1;
 *  - each CJK/Hangul/kana character costs 1 token (those scripts tokenize near one per character);
 *  - each other non-space character (punctuation, symbols, emoji) costs 1 token;
 *  - whitespace is free (tokenizers fold it into the following word).
 *
 * It is an estimate (not checked against a real tokenizer here); it errs high on punctuation-heavy text,
 * which is the safe direction for budgets.
 */
const CHARS_PER_TOKEN = 4;
const PIECE = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|([\p{L}\p{N}\p{M}_]+)|(\S)/gu;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECE)) {
    const word = match[2];
    tokens += word ? Math.max(1, Math.round(word.length / CHARS_PER_TOKEN)) : 1;
  }
  return tokens;
}

/** Role markers and separators OpenAI-style chat formats add around each message. */
const PER_MESSAGE_OVERHEAD = 4;
/** The assistant turn header that primes the reply. */
const REPLY_PRIMING = 3;
/** An image costs what a high-detail 512px tile does at OpenAI; a flat, conservative reservation. */
const PER_IMAGE = 765;
/** Audio and files are reserved at a flat rate; their real cost is only known from the provider. */
const PER_OTHER_ATTACHMENT = 1000;

function messageTokens(message: ChatMessage): number {
  let tokens = PER_MESSAGE_OVERHEAD + estimateTokens(contentText(message.content));
  if ("name" in message && message.name) tokens += estimateTokens(message.name);
  if (message.role === "user" && Array.isArray(message.content))
    for (const part of message.content)
      if (part.type === "image_url") tokens += PER_IMAGE;
      else if (part.type !== "text") tokens += PER_OTHER_ATTACHMENT;
  if (message.role === "assistant")
    for (const call of message.tool_calls ?? [])
      tokens += estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  if (message.role === "tool") tokens += estimateTokens(message.tool_call_id);
  return tokens;
}

/** The project's `system_prompt` as the gateway injects it (one system message), for admission's estimate. */
export function systemPromptTokens(systemPrompt: string | null): number {
  return systemPrompt ? messageTokens({ role: "system", content: systemPrompt }) : 0;
}

/**
 * Prompt tokens of a request, estimated before the call to reserve budget: every message with its
 * framing, plus tool definitions (providers bill their JSON schema as prompt text).
 */
export function estimatePromptTokens(messages: readonly ChatMessage[], tools: readonly Tool[] = []): number {
  let tokens = REPLY_PRIMING;
  for (const message of messages) tokens += messageTokens(message);
  if (tools.length) tokens += estimateTokens(JSON.stringify(tools));
  return tokens;
}
