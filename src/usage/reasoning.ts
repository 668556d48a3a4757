/**
 * Reasoning ("thinking") tokens are billed as completion tokens by every provider, and the gateway always
 * sends a completion cap (the request's, or the project's `max_tokens_cap`). For most providers that cap
 * bounds reasoning too, so reserving it covers reasoning:
 *
 *  - OpenAI o-series / gpt-5: `max_completion_tokens` bounds visible + reasoning tokens (the adapter sends
 *    the cap in that field for OpenAI; `completion_tokens` includes `completion_tokens_details.reasoning_tokens`);
 *  - Anthropic extended thinking: `max_tokens` bounds thinking + text (`output_tokens` includes thinking);
 *  - Gemini 2.5+: `maxOutputTokens` bounds thoughts + candidates (usage adds `thoughtsTokenCount`);
 *  - Bedrock Converse: `outputTokens` includes reasoning.
 *
 * The exceptions are models whose cap bounds only the final answer. They are listed here with the most
 * reasoning they may produce per choice, which admission reserves on top of the cap.
 */
const REASONING_BEYOND_CAP: Readonly<Record<string, number>> = {
  // DeepSeek's API docs: max_tokens bounds the answer after the chain of thought, which can reach 32K tokens.
  "deepseek/deepseek-reasoner": 32_768,
};

/** Tokens of reasoning `provider/model` may generate per choice beyond the completion cap it is sent. */
export function reasoningBeyondCap(modelRef: string): number {
  return REASONING_BEYOND_CAP[modelRef] ?? 0;
}
