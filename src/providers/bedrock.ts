import { z } from "zod";
import {
  chunk,
  MalformedUpstream,
  parseEventJson,
  ProviderStreamError,
  type ProviderAdapter,
  type TokenUsage,
} from "./adapter";
import { maxOutputTokens, parseDataUrl, parseToolArguments, splitSystem, stopList } from "./message-parts";
import {
  contentText,
  type ChatCompletion,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type ToolCall,
} from "./openai-schema";

/**
 * AWS Bedrock Converse API (`POST /model/{modelId}/converse`, and `/converse-stream`) ⇄ OpenAI Chat
 * Completions. One request shape serves every Bedrock model family. System text goes to `system`, tool
 * calls become `toolUse` blocks and tool replies `toolResult` blocks in a user turn; turns of one role are
 * merged because Converse requires alternation. SigV4 signing and the binary event-stream framing live in
 * bedrock-transport.ts: this adapter sees each stream message as an event named after its `:event-type`.
 */

type Block = Record<string, unknown>;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

/** Converse names image formats, not MIME types. */
const IMAGE_FORMATS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

function userBlocks(message: Extract<ChatMessage, { role: "user" }>): Block[] {
  if (typeof message.content === "string") return [{ text: message.content }];
  return message.content.flatMap((part): Block[] => {
    if (part.type === "text") return [{ text: part.text }];
    if (part.type === "image_url") {
      // Converse takes image bytes only; a remote URL cannot be forwarded, so it is described instead of dropped silently.
      const inline = parseDataUrl(part.image_url.url);
      const format = inline && IMAGE_FORMATS[inline.mimeType];
      return inline && format
        ? [{ image: { format, source: { bytes: inline.data } } }]
        : [{ text: `[image: ${part.image_url.url.slice(0, 200)}]` }];
    }
    return [];
  });
}

function toTurn(message: ChatMessage): Turn | null {
  switch (message.role) {
    case "user":
      return { role: "user", content: userBlocks(message) };
    case "assistant": {
      const text = contentText(message.content);
      const blocks: Block[] = text ? [{ text }] : [];
      for (const call of message.tool_calls ?? [])
        blocks.push({
          toolUse: { toolUseId: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) },
        });
      return { role: "assistant", content: blocks };
    }
    case "tool":
      return {
        role: "user",
        content: [
          { toolResult: { toolUseId: message.tool_call_id, content: [{ text: contentText(message.content) }] } },
        ],
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

/** `none` has no Converse equivalent: the tools are left out, so the model cannot call one. */
function toolConfig(request: ChatRequest) {
  if (!request.tools?.length || request.tool_choice === "none") return undefined;
  const tools = request.tools.map((tool) => ({
    toolSpec: {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      inputSchema: { json: tool.function.parameters ?? { type: "object", properties: {} } },
    },
  }));
  const choice = request.tool_choice;
  const toolChoice =
    choice === undefined || choice === "auto"
      ? undefined
      : choice === "required"
        ? { any: {} }
        : { tool: { name: choice.function.name } };
  return { tools, ...(toolChoice ? { toolChoice } : {}) };
}

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};
const finishOf = (reason: string): FinishReason => FINISH[reason] ?? "stop";

const Usage = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() });
const ContentBlock = z.object({
  text: z.string().optional(),
  toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
});
const ConverseResponse = z.object({
  output: z.object({ message: z.object({ role: z.literal("assistant"), content: z.array(ContentBlock) }) }),
  stopReason: z.string(),
  usage: Usage.optional(),
});
/** AWS error bodies say `message`; some services capitalise it. */
const ErrorBody = z.union([
  z.object({ message: z.string() }),
  z.object({ Message: z.string() }).transform((b) => ({ message: b.Message })),
]);

const usageOf = (usage: z.infer<typeof Usage> | undefined): TokenUsage | null =>
  usage ? { promptTokens: usage.inputTokens, completionTokens: usage.outputTokens } : null;

const StreamEvents = {
  contentBlockStart: z.object({
    contentBlockIndex: z.number().int(),
    start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).optional() }),
  }),
  contentBlockDelta: z.object({
    contentBlockIndex: z.number().int(),
    delta: z.object({ text: z.string().optional(), toolUse: z.object({ input: z.string() }).optional() }),
  }),
  messageStop: z.object({ stopReason: z.string() }),
  metadata: z.object({ usage: Usage.optional() }),
};

function parseEvent<T extends z.ZodType>(schema: T, data: string): z.infer<T> {
  const parsed = schema.safeParse(parseEventJson("bedrock", data));
  if (!parsed.success) throw new MalformedUpstream("bedrock sent an event of an unexpected shape");
  return parsed.data;
}

/** Event names the transport gives to exception messages and to framing it could not decode. */
export const BEDROCK_EXCEPTION_EVENT = "exception";
export const BEDROCK_MALFORMED_EVENT = "malformed";

export const bedrockAdapter: ProviderAdapter = {
  id: "bedrock",

  toRequest(request, target) {
    const { system, turns } = splitSystem(request.messages);
    const inferenceConfig = {
      ...(maxOutputTokens(request) ? { maxTokens: maxOutputTokens(request) } : {}),
      ...(request.temperature != null ? { temperature: request.temperature } : {}),
      ...(request.top_p != null ? { topP: request.top_p } : {}),
      ...(stopList(request.stop) ? { stopSequences: stopList(request.stop) } : {}),
    };
    const tools = toolConfig(request);
    const body = {
      messages: toTurns(turns),
      ...(system !== null ? { system: [{ text: system }] } : {}),
      ...(Object.keys(inferenceConfig).length ? { inferenceConfig } : {}),
      ...(tools ? { toolConfig: tools } : {}),
    };
    // Model ids contain ':' and ARNs contain '/': one encoded path segment either way.
    const base = `${target.baseUrl.replace(/\/+$/, "")}/model/${encodeURIComponent(target.model)}`;
    return {
      url: request.stream ? `${base}/converse-stream` : `${base}/converse`,
      // No credential header: the transport signs the finished request with SigV4.
      init: {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: request.stream ? "application/vnd.amazon.eventstream" : "application/json",
        },
        body: JSON.stringify(body),
      },
    };
  },

  fromResponse(json, meta): ChatCompletion {
    const parsed = ConverseResponse.safeParse(json);
    if (!parsed.success) throw new MalformedUpstream("bedrock returned a response of an unexpected shape");
    const { output, stopReason, usage } = parsed.data;
    const text = output.message.content.map((block) => block.text ?? "").join("");
    const calls = output.message.content.flatMap((block): ToolCall[] =>
      block.toolUse
        ? [
            {
              id: block.toolUse.toolUseId,
              type: "function",
              function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
            },
          ]
        : [],
    );
    const tokens = usageOf(usage);
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
          finish_reason: finishOf(stopReason),
        },
      ],
      ...(tokens
        ? {
            usage: {
              prompt_tokens: tokens.promptTokens,
              completion_tokens: tokens.completionTokens,
              total_tokens: tokens.promptTokens + tokens.completionTokens,
            },
          }
        : {}),
    };
  },

  fromStreamEvent(event, state) {
    switch (event.event) {
      case "messageStart":
        if (state.started) return [];
        state.started = true;
        return [chunk(state, { role: "assistant", content: "" })];
      case "contentBlockStart": {
        const { contentBlockIndex, start } = parseEvent(StreamEvents.contentBlockStart, event.data);
        if (!start.toolUse) return [];
        const index = state.toolCallIndex.size;
        state.toolCallIndex.set(String(contentBlockIndex), index);
        return [
          chunk(state, {
            tool_calls: [
              {
                index,
                id: start.toolUse.toolUseId,
                type: "function",
                function: { name: start.toolUse.name, arguments: "" },
              },
            ],
          }),
        ];
      }
      case "contentBlockDelta": {
        const { contentBlockIndex, delta } = parseEvent(StreamEvents.contentBlockDelta, event.data);
        if (delta.text) return [chunk(state, { content: delta.text })];
        const index = state.toolCallIndex.get(String(contentBlockIndex));
        if (delta.toolUse && index !== undefined)
          return [chunk(state, { tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] })];
        return []; // reasoning deltas are not part of the OpenAI answer
      }
      case "messageStop": {
        const finish = finishOf(parseEvent(StreamEvents.messageStop, event.data).stopReason);
        state.finishReason = finish;
        return [chunk(state, {}, finish)];
      }
      case "metadata":
        // Sent after messageStop: the usage total, and the real end of the stream.
        state.usage = usageOf(parseEvent(StreamEvents.metadata, event.data).usage) ?? state.usage;
        state.done = true;
        return [];
      case BEDROCK_EXCEPTION_EVENT:
        throw new ProviderStreamError(
          ErrorBody.safeParse(parseEventJson("bedrock", event.data)).data?.message ?? "stream exception",
        );
      case BEDROCK_MALFORMED_EVENT:
        throw new MalformedUpstream("bedrock event-stream framing was corrupt");
      default:
        return []; // contentBlockStop and events added later carry nothing a client needs
    }
  },

  usage(json) {
    return usageOf(ConverseResponse.safeParse(json).data?.usage);
  },

  errorMessage(json) {
    return ErrorBody.safeParse(json).data?.message ?? null;
  },
};
