import { estimateTokens } from "../usage/token-count";
import { MalformedUpstream, type CompletionMeta, type TokenUsage } from "./adapter";
import type { ProviderCall } from "./call";
import type { ChatCompletion } from "./openai-schema";
import { malformedError } from "./upstream-error";

export interface CompletionResult {
  completion: ChatCompletion;
  usage: TokenUsage & { source: "provider" | "estimated" };
}

/** Text the completion generated, as the estimate counts it when the provider reports no usage. */
function generatedText(completion: ChatCompletion): string {
  return completion.choices
    .map(
      (choice) =>
        (choice.message.content ?? "") +
        (choice.message.tool_calls ?? []).map((c) => c.function.name + c.function.arguments).join(""),
    )
    .join("");
}

/**
 * Reads a successful non-streaming reply into an OpenAI completion whose `usage` is always present:
 * the provider's when it reported one, otherwise estimated (prompt from the caller's pre-call estimate,
 * completion counted from the text).
 */
export async function readCompletion(
  call: ProviderCall,
  meta: CompletionMeta,
  promptTokensEstimate: number,
): Promise<CompletionResult> {
  const { adapter, providerLabel } = call.target;
  let json: unknown;
  let completion: ChatCompletion;
  try {
    json = await call.response.json();
    completion = adapter.fromResponse(json, meta);
  } catch (err) {
    if (err instanceof MalformedUpstream || err instanceof SyntaxError) throw malformedError(providerLabel);
    throw err;
  }
  const reported = adapter.usage(json);
  const usage = reported
    ? { ...reported, source: "provider" as const }
    : {
        promptTokens: promptTokensEstimate,
        completionTokens: estimateTokens(generatedText(completion)),
        source: "estimated" as const,
      };
  completion.usage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  return { completion, usage };
}
