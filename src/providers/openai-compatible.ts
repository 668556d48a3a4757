import { z } from "zod";
import {
  mayBeError,
  MalformedUpstream,
  ProviderStreamError,
  parseEventJson,
  type ProviderAdapter,
  type TokenUsage,
} from "./adapter";
import { authHeaders, type ProviderRow } from "./catalog";
import {
  FinishReason,
  ToolCall,
  ToolCallDelta,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
} from "./openai-schema";

/**
 * The one adapter of the OpenAI-compatible family (openai, openrouter, mistral, groq, together,
 * fireworks, deepseek, mock). The wire format is already ours, so translation is: set the model, ask
 * for usage in streams, and read replies leniently (members of the family differ in which optional
 * fields they send and in spelling finish reasons).
 */

const UpstreamUsage = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() });

/** Family members send reasons outside OpenAI's enum ("eos", "end_turn"); anything unknown is a stop. */
const LenientFinish = z
  .string()
  .nullish()
  .transform((reason) => (reason == null ? null : (FinishReason.safeParse(reason).data ?? "stop")));

const UpstreamCompletion = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().default(0),
      message: z.object({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ToolCall).nullish(),
      }),
      finish_reason: LenientFinish,
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: UpstreamUsage.nullish(),
  system_fingerprint: z.string().nullish(),
});

const UpstreamChunk = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().int().default(0),
        delta: z
          .object({
            role: z.string().nullish(),
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z.array(ToolCallDelta).nullish(),
          })
          .default({}),
        finish_reason: LenientFinish,
        logprobs: z.unknown().optional(),
      }),
    )
    .default([]),
  usage: UpstreamUsage.nullish(),
  system_fingerprint: z.string().nullish(),
});

const ErrorBody = z.object({ error: z.union([z.object({ message: z.string() }), z.string()]) });

function toUsage(usage: z.infer<typeof UpstreamUsage> | null | undefined): TokenUsage | null {
  return usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } : null;
}

function errorText(json: unknown): string | null {
  if (!mayBeError(json)) return null;
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success) return null;
  return typeof parsed.data.error === "string" ? parsed.data.error : parsed.data.error.message;
}

/**
 * The completion cap in the field the provider honours. For OpenAI it is `max_completion_tokens` (the larger
 * of the two caps, which is what admission reserved); others get the request's fields as they came.
 */
function capFields(row: Pick<ProviderRow, "capField">, request: ChatRequest) {
  const cap = Math.max(request.max_tokens ?? 0, request.max_completion_tokens ?? 0);
  if (row.capField !== "max_completion_tokens" || cap === 0) return {};
  return { max_tokens: undefined, max_completion_tokens: cap };
}

export function openAICompatibleAdapter(row: Pick<ProviderRow, "id" | "auth" | "capField">): ProviderAdapter {
  return {
    id: row.id,

    toRequest(request, target) {
      // `metadata` is the gateway's own bookkeeping and several family members reject it.
      const { model: _model, metadata: _metadata, ...rest } = request;
      const body = { ...rest, ...capFields(row, request), model: target.model };
      if (request.stream) body.stream_options = { ...request.stream_options, include_usage: true };
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/chat/completions`,
        init: {
          method: "POST",
          headers: { "content-type": "application/json", ...authHeaders(row, target.apiKey) },
          body: JSON.stringify(body),
        },
      };
    },

    fromResponse(json, meta): ChatCompletion {
      const parsed = UpstreamCompletion.safeParse(json);
      if (!parsed.success) throw new MalformedUpstream(`${row.id} returned a completion of an unexpected shape`);
      const { choices, usage, system_fingerprint } = parsed.data;
      return {
        ...meta,
        object: "chat.completion",
        choices: choices.map((choice) => ({
          index: choice.index,
          message: {
            role: "assistant",
            content: choice.message.content ?? null,
            ...(choice.message.refusal ? { refusal: choice.message.refusal } : {}),
            ...(choice.message.tool_calls?.length ? { tool_calls: choice.message.tool_calls } : {}),
          },
          finish_reason: choice.finish_reason,
          ...(choice.logprobs !== undefined ? { logprobs: choice.logprobs } : {}),
        })),
        ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
        ...(system_fingerprint ? { system_fingerprint } : {}),
      };
    },

    fromStreamEvent(event, state): ChatCompletionChunk[] {
      if (event.data.trim() === "[DONE]") {
        state.done = true;
        return [];
      }
      const json = parseEventJson(row.id, event.data);
      const error = errorText(json);
      if (error !== null) throw new ProviderStreamError(error);
      const parsed = UpstreamChunk.safeParse(json);
      if (!parsed.success) throw new MalformedUpstream(`${row.id} sent a chunk of an unexpected shape`);
      if (parsed.data.usage) state.usage = toUsage(parsed.data.usage);
      // The usage-only chunk is consumed here; the streaming module re-emits usage once, at the end.
      if (parsed.data.choices.length === 0) return [];
      for (const choice of parsed.data.choices) if (choice.finish_reason) state.finishReason = choice.finish_reason;
      return [
        {
          id: state.id,
          object: "chat.completion.chunk",
          created: state.created,
          model: state.model,
          choices: parsed.data.choices.map((choice) => ({
            index: choice.index,
            delta: {
              ...(choice.delta.role === "assistant" ? { role: "assistant" as const } : {}),
              ...(choice.delta.content != null ? { content: choice.delta.content } : {}),
              ...(choice.delta.refusal != null ? { refusal: choice.delta.refusal } : {}),
              ...(choice.delta.tool_calls?.length ? { tool_calls: choice.delta.tool_calls } : {}),
            },
            finish_reason: choice.finish_reason,
            ...(choice.logprobs !== undefined ? { logprobs: choice.logprobs } : {}),
          })),
          ...(parsed.data.system_fingerprint ? { system_fingerprint: parsed.data.system_fingerprint } : {}),
        },
      ];
    },

    usage(json) {
      const parsed = z.object({ usage: UpstreamUsage }).safeParse(json);
      return parsed.success ? toUsage(parsed.data.usage) : null;
    },

    errorMessage: errorText,
  };
}
