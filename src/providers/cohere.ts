import { z } from "zod";
import { chunk, MalformedUpstream, parseEventJson, type ProviderAdapter, type TokenUsage } from "./adapter";
import { maxOutputTokens, stopList } from "./message-parts";
import {
  contentText,
  ToolCall,
  type ChatCompletion,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
} from "./openai-schema";

/**
 * Cohere Chat API v2 (`POST /v2/chat`) ⇄ OpenAI Chat Completions. v2 is close to OpenAI's shape
 * (roles, function tools, tool_call_id) but names sampling fields differently (`p`, `stop_sequences`),
 * returns content as a list of blocks, and streams typed events (message-start, content-delta,
 * tool-call-start/delta, message-end).
 */

function toMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: contentText(message.content) };
    case "user":
      return {
        role: "user",
        content:
          typeof message.content === "string"
            ? message.content
            : message.content.flatMap((part): Record<string, unknown>[] =>
                part.type === "text"
                  ? [{ type: "text", text: part.text }]
                  : part.type === "image_url"
                    ? [{ type: "image_url", image_url: { url: part.image_url.url } }]
                    : [],
              ),
      };
    case "assistant": {
      const text = contentText(message.content);
      return {
        role: "assistant",
        ...(text ? { content: text } : {}),
        ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: contentText(message.content) };
  }
}

/** v2 has no "call this function": the tool list is narrowed to it and a tool call is required. */
function tools(request: ChatRequest) {
  const choice = request.tool_choice;
  const list =
    typeof choice === "object" ? request.tools?.filter((t) => t.function.name === choice.function.name) : request.tools;
  const toolChoice =
    choice === "required" || typeof choice === "object" ? "REQUIRED" : choice === "none" ? "NONE" : undefined;
  return {
    ...(list?.length ? { tools: list.map((t) => ({ type: "function", function: t.function })) } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
  };
}

const FINISH: Record<string, FinishReason> = {
  COMPLETE: "stop",
  STOP_SEQUENCE: "stop",
  MAX_TOKENS: "length",
  TOOL_CALL: "tool_calls",
  ERROR_TOXIC: "content_filter",
};
const finishOf = (reason: string | null | undefined): FinishReason | null =>
  reason ? (FINISH[reason] ?? "stop") : null;

const TokenPair = z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() });
const CohereUsage = z.object({ billed_units: TokenPair.nullish(), tokens: TokenPair.nullish() });

/** Billed units are what Cohere charges for, so they win over the raw token counts. */
function usageOf(usage: z.infer<typeof CohereUsage> | null | undefined): TokenUsage | null {
  const pair = usage?.billed_units ?? usage?.tokens;
  if (!pair) return null;
  return { promptTokens: Math.round(pair.input_tokens ?? 0), completionTokens: Math.round(pair.output_tokens ?? 0) };
}

const Response = z.object({
  finish_reason: z.string().nullish(),
  message: z.object({
    content: z.array(z.object({ type: z.string(), text: z.string().optional() })).nullish(),
    tool_calls: z.array(ToolCall).nullish(),
  }),
  usage: CohereUsage.nullish(),
});

const StreamEvent = z.object({
  type: z.string(),
  index: z.number().int().optional(),
  delta: z
    .object({
      finish_reason: z.string().nullish(),
      usage: CohereUsage.nullish(),
      message: z
        .object({
          // message-start sends these as empty lists; only the delta events' object form carries data.
          content: z.object({ text: z.string().optional() }).nullish().catch(null),
          tool_calls: z
            .object({
              id: z.string().optional(),
              function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
            })
            .nullish()
            .catch(null),
        })
        .nullish(),
    })
    .nullish(),
});

export const cohereAdapter: ProviderAdapter = {
  id: "cohere",

  toRequest(request, target) {
    const format = request.response_format;
    const body = {
      model: target.model,
      messages: request.messages.map(toMessage),
      ...tools(request),
      ...(request.temperature != null ? { temperature: Math.min(request.temperature, 1) } : {}),
      ...(request.top_p != null ? { p: Math.min(Math.max(request.top_p, 0.01), 0.99) } : {}),
      ...(maxOutputTokens(request) ? { max_tokens: maxOutputTokens(request) } : {}),
      ...(stopList(request.stop) ? { stop_sequences: stopList(request.stop) } : {}),
      ...(request.seed != null ? { seed: request.seed } : {}),
      ...(request.frequency_penalty != null
        ? { frequency_penalty: Math.max(0, Math.min(request.frequency_penalty, 1)) }
        : {}),
      ...(request.presence_penalty != null
        ? { presence_penalty: Math.max(0, Math.min(request.presence_penalty, 1)) }
        : {}),
      ...(format?.type === "json_object" ? { response_format: { type: "json_object" } } : {}),
      ...(format?.type === "json_schema"
        ? { response_format: { type: "json_object", json_schema: format.json_schema.schema ?? {} } }
        : {}),
      ...(request.stream ? { stream: true } : {}),
    };
    return {
      url: `${target.baseUrl.replace(/\/+$/, "")}/v2/chat`,
      init: {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${target.apiKey}` },
        body: JSON.stringify(body),
      },
    };
  },

  fromResponse(json, meta): ChatCompletion {
    const parsed = Response.safeParse(json);
    if (!parsed.success) throw new MalformedUpstream("cohere returned a response of an unexpected shape");
    const { message, finish_reason } = parsed.data;
    const text = (message.content ?? []).map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");
    const calls = message.tool_calls ?? [];
    const usage = usageOf(parsed.data.usage);
    return {
      ...meta,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: text || (calls.length ? null : ""),
            ...(calls.length ? { tool_calls: calls } : {}),
          },
          finish_reason: finishOf(finish_reason) ?? "stop",
        },
      ],
      ...(usage
        ? {
            usage: {
              prompt_tokens: usage.promptTokens,
              completion_tokens: usage.completionTokens,
              total_tokens: usage.promptTokens + usage.completionTokens,
            },
          }
        : {}),
    };
  },

  fromStreamEvent(event, state) {
    const parsed = StreamEvent.safeParse(parseEventJson("cohere", event.data));
    if (!parsed.success) throw new MalformedUpstream("cohere sent an event of an unexpected shape");
    const { type, index = 0, delta } = parsed.data;
    const call = delta?.message?.tool_calls;
    switch (type) {
      case "message-start":
        return [chunk(state, { role: "assistant", content: "" })];
      case "content-delta":
        return delta?.message?.content?.text ? [chunk(state, { content: delta.message.content.text })] : [];
      case "tool-call-start": {
        const callIndex = state.toolCallIndex.size;
        state.toolCallIndex.set(String(index), callIndex);
        return [
          chunk(state, {
            tool_calls: [
              {
                index: callIndex,
                id: call?.id ?? `call_${callIndex}`,
                type: "function",
                function: { name: call?.function?.name ?? "", arguments: call?.function?.arguments ?? "" },
              },
            ],
          }),
        ];
      }
      case "tool-call-delta": {
        const callIndex = state.toolCallIndex.get(String(index));
        const args = call?.function?.arguments;
        return callIndex !== undefined && args
          ? [chunk(state, { tool_calls: [{ index: callIndex, function: { arguments: args } }] })]
          : [];
      }
      case "message-end": {
        state.usage = usageOf(delta?.usage) ?? state.usage;
        state.finishReason = finishOf(delta?.finish_reason) ?? "stop";
        state.done = true;
        return [chunk(state, {}, state.finishReason)];
      }
      default:
        return []; // content-start/end, tool-plan-delta, citations: nothing for an OpenAI client
    }
  },

  usage(json) {
    return usageOf(Response.safeParse(json).data?.usage);
  },

  errorMessage(json) {
    return z.object({ message: z.string() }).safeParse(json).data?.message ?? null;
  },
};
