import { z } from "zod";
import {
  chunk,
  MalformedUpstream,
  ProviderStreamError,
  parseEventJson,
  type ProviderAdapter,
  type TokenUsage,
} from "./adapter";
import { ANTHROPIC_VERSION } from "./catalog";
import { maxOutputTokens, parseDataUrl, parseToolArguments, splitSystem, stopList } from "./message-parts";
import { contentText, type ChatMessage, type ChatRequest, type FinishReason, type ToolCall } from "./openai-schema";

/**
 * Anthropic Messages API (`POST /v1/messages`, version 2023-06-01) ⇄ OpenAI Chat Completions.
 * System messages become `system`; tool calls become `tool_use` blocks and tool replies `tool_result`
 * blocks in a user turn; consecutive turns of one role are merged because the API expects alternation.
 */

/** Used when the request sets no cap: Messages requires `max_tokens`. */
const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

function userBlocks(message: Extract<ChatMessage, { role: "user" }>): Block[] {
  if (typeof message.content === "string") return [{ type: "text", text: message.content }];
  return message.content.flatMap((part): Block[] => {
    if (part.type === "text") return [{ type: "text", text: part.text }];
    if (part.type === "image_url") {
      const inline = parseDataUrl(part.image_url.url);
      return [
        inline
          ? { type: "image", source: { type: "base64", media_type: inline.mimeType, data: inline.data } }
          : { type: "image", source: { type: "url", url: part.image_url.url } },
      ];
    }
    return []; // audio and files have no Messages equivalent here
  });
}

function toTurn(message: ChatMessage): Turn | null {
  switch (message.role) {
    case "user":
      return { role: "user", content: userBlocks(message) };
    case "assistant": {
      const text = contentText(message.content);
      const blocks: Block[] = text ? [{ type: "text", text }] : [];
      for (const call of message.tool_calls ?? [])
        blocks.push({
          type: "tool_use",
          id: call.id,
          name: call.function.name,
          input: parseToolArguments(call.function.arguments),
        });
      return { role: "assistant", content: blocks };
    }
    case "tool":
      return {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: message.tool_call_id, content: contentText(message.content) }],
      };
    default:
      return null;
  }
}

function toTurns(messages: ChatMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const turn = toTurn(message);
    if (!turn || turn.content.length === 0) continue;
    const last = turns.at(-1);
    if (last && last.role === turn.role) last.content.push(...turn.content);
    else turns.push(turn);
  }
  return turns;
}

function toolChoice(request: ChatRequest): Block | undefined {
  const choice = request.tool_choice;
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return request.parallel_tool_calls === false ? { type: "auto", ...noParallel } : undefined;
  if (choice === "auto") return { type: "auto", ...noParallel };
  if (choice === "required") return { type: "any", ...noParallel };
  if (choice === "none") return { type: "none" };
  return { type: "tool", name: choice.function.name, ...noParallel };
}

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};
const finishOf = (reason: string | null | undefined): FinishReason | null =>
  reason == null ? null : (STOP_REASONS[reason] ?? "stop");

const AnthropicUsage = z.object({
  input_tokens: z.number().int().nullish(),
  output_tokens: z.number().int().nullish(),
  cache_creation_input_tokens: z.number().int().nullish(),
  cache_read_input_tokens: z.number().int().nullish(),
});
type AnthropicUsage = z.infer<typeof AnthropicUsage>;

/** Cached prompt tokens are still prompt tokens; the price table bills them at the input rate (conservative). */
const promptOf = (u: AnthropicUsage) =>
  (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

const ContentBlock = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal("thinking") }),
  z.object({ type: z.literal("redacted_thinking") }),
]);

const Message = z.object({
  type: z.literal("message"),
  content: z.array(ContentBlock),
  stop_reason: z.string().nullish(),
  usage: AnthropicUsage,
});

const ErrorBody = z.object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }) });
const errorMessage = (json: unknown) => ErrorBody.safeParse(json).data?.error.message ?? null;

const StreamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message_start"), message: z.object({ usage: AnthropicUsage }) }),
  z.object({
    type: z.literal("content_block_start"),
    index: z.number().int(),
    content_block: z.object({
      type: z.string(),
      id: z.string().optional(),
      name: z.string().optional(),
      text: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal("content_block_delta"),
    index: z.number().int(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  z.object({ type: z.literal("content_block_stop") }),
  z.object({
    type: z.literal("message_delta"),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: AnthropicUsage.nullish(),
  }),
  z.object({ type: z.literal("message_stop") }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("error"), error: z.object({ message: z.string() }) }),
]);

export const anthropicAdapter: ProviderAdapter = {
  id: "anthropic",

  toRequest(request, target) {
    const { system, turns } = splitSystem(request.messages);
    const body = {
      model: target.model,
      max_tokens: maxOutputTokens(request) ?? DEFAULT_MAX_TOKENS,
      messages: toTurns(turns),
      ...(system !== null ? { system } : {}),
      // OpenAI allows temperature up to 2; Anthropic up to 1.
      ...(request.temperature != null ? { temperature: Math.min(request.temperature, 1) } : {}),
      ...(request.top_p != null ? { top_p: request.top_p } : {}),
      ...(stopList(request.stop) ? { stop_sequences: stopList(request.stop) } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({
              name: tool.function.name,
              ...(tool.function.description ? { description: tool.function.description } : {}),
              input_schema: tool.function.parameters ?? { type: "object", properties: {} },
            })),
          }
        : {}),
      ...(toolChoice(request) ? { tool_choice: toolChoice(request) } : {}),
      ...(request.user ? { metadata: { user_id: request.user } } : {}),
      ...(request.stream ? { stream: true } : {}),
    };
    return {
      url: `${target.baseUrl.replace(/\/+$/, "")}/v1/messages`,
      init: {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": target.apiKey,
          "anthropic-version": ANTHROPIC_VERSION,
        },
        body: JSON.stringify(body),
      },
    };
  },

  fromResponse(json, meta) {
    const parsed = Message.safeParse(json);
    if (!parsed.success) throw new MalformedUpstream("anthropic returned a message of an unexpected shape");
    const { content, stop_reason, usage } = parsed.data;
    const text = content.map((block) => (block.type === "text" ? block.text : "")).join("");
    const toolCalls: ToolCall[] = content.flatMap((block) =>
      block.type === "tool_use"
        ? [
            {
              id: block.id,
              type: "function" as const,
              function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
            },
          ]
        : [],
    );
    const promptTokens = promptOf(usage);
    const completionTokens = usage.output_tokens ?? 0;
    return {
      ...meta,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: text || (toolCalls.length ? null : ""),
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finishOf(stop_reason) ?? "stop",
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  },

  fromStreamEvent(event, state) {
    const parsed = StreamEvent.safeParse(parseEventJson("anthropic", event.data));
    if (!parsed.success) return []; // event types added after 2023-06-01 are ignored, as Anthropic asks clients to
    const ev = parsed.data;
    switch (ev.type) {
      case "message_start":
        state.usage = {
          promptTokens: promptOf(ev.message.usage),
          completionTokens: ev.message.usage.output_tokens ?? 0,
        };
        return [chunk(state, { role: "assistant", content: "" })];
      case "content_block_start": {
        if (ev.content_block.type === "text" && ev.content_block.text)
          return [chunk(state, { content: ev.content_block.text })];
        if (ev.content_block.type !== "tool_use") return [];
        const index = state.toolCallIndex.size;
        state.toolCallIndex.set(String(ev.index), index);
        return [
          chunk(state, {
            tool_calls: [
              {
                index,
                id: ev.content_block.id ?? `call_${index}`,
                type: "function",
                function: { name: ev.content_block.name ?? "", arguments: "" },
              },
            ],
          }),
        ];
      }
      case "content_block_delta": {
        if (ev.delta.type === "text_delta" && ev.delta.text) return [chunk(state, { content: ev.delta.text })];
        const index = state.toolCallIndex.get(String(ev.index));
        if (ev.delta.type === "input_json_delta" && index !== undefined && ev.delta.partial_json)
          return [chunk(state, { tool_calls: [{ index, function: { arguments: ev.delta.partial_json } }] })];
        return [];
      }
      case "message_delta": {
        const usage: TokenUsage = state.usage ?? { promptTokens: 0, completionTokens: 0 };
        // message_delta's usage is cumulative, so it replaces what message_start said.
        if (ev.usage?.output_tokens != null) usage.completionTokens = ev.usage.output_tokens;
        if (ev.usage?.input_tokens != null) usage.promptTokens = promptOf(ev.usage);
        state.usage = usage;
        const finish = finishOf(ev.delta.stop_reason);
        if (!finish) return [];
        state.finishReason = finish;
        return [chunk(state, {}, finish)];
      }
      case "message_stop":
        state.done = true;
        return [];
      case "error":
        throw new ProviderStreamError(ev.error.message);
      default:
        return [];
    }
  },

  usage(json) {
    const parsed = Message.safeParse(json);
    if (!parsed.success) return null;
    return { promptTokens: promptOf(parsed.data.usage), completionTokens: parsed.data.usage.output_tokens ?? 0 };
  },

  errorMessage,
};
