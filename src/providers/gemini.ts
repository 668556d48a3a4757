import { z } from "zod";
import {
  chunk,
  MalformedUpstream,
  mayBeError,
  parseEventJson,
  ProviderStreamError,
  type ProviderAdapter,
  type TokenUsage,
} from "./adapter";
import { maxOutputTokens, parseDataUrl, parseToolArguments, splitSystem, stopList } from "./message-parts";
import {
  contentText,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type ToolCall,
} from "./openai-schema";

/**
 * Google Gemini API (`models/{model}:generateContent`, and `:streamGenerateContent?alt=sse` whose SSE
 * events each carry a whole GenerateContentResponse) ⇄ OpenAI Chat Completions. Assistant turns are
 * role "model"; tool replies are `functionResponse` parts, which need the function's name, so it is
 * looked up from the assistant tool call they answer.
 */

type Part = Record<string, unknown>;

function userParts(message: Extract<ChatMessage, { role: "user" }>): Part[] {
  if (typeof message.content === "string") return [{ text: message.content }];
  return message.content.flatMap((part): Part[] => {
    if (part.type === "text") return [{ text: part.text }];
    if (part.type === "image_url") {
      const inline = parseDataUrl(part.image_url.url);
      return [inline ? { inlineData: inline } : { fileData: { fileUri: part.image_url.url } }];
    }
    if (part.type === "input_audio")
      return [{ inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } }];
    return [];
  });
}

function toContents(turns: ChatMessage[]): Array<{ role: "user" | "model"; parts: Part[] }> {
  const toolNames = new Map<string, string>();
  const contents: Array<{ role: "user" | "model"; parts: Part[] }> = [];
  for (const message of turns) {
    let role: "user" | "model";
    let parts: Part[];
    if (message.role === "user") [role, parts] = ["user", userParts(message)];
    else if (message.role === "assistant") {
      const text = contentText(message.content);
      parts = text ? [{ text }] : [];
      for (const call of message.tool_calls ?? []) {
        toolNames.set(call.id, call.function.name);
        parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments) } });
      }
      role = "model";
    } else if (message.role === "tool") {
      const name = toolNames.get(message.tool_call_id) ?? message.tool_call_id;
      [role, parts] = ["user", [{ functionResponse: { name, response: { content: contentText(message.content) } } }]];
    } else continue;
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return contents;
}

function toolConfig(choice: ChatRequest["tool_choice"]) {
  if (choice === undefined) return undefined;
  if (typeof choice === "object")
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  return { functionCallingConfig: { mode: ({ auto: "AUTO", required: "ANY", none: "NONE" } as const)[choice] } };
}

const FINISH: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
};

const UsageMetadata = z.object({
  promptTokenCount: z.number().int().nullish(),
  candidatesTokenCount: z.number().int().nullish(),
  thoughtsTokenCount: z.number().int().nullish(),
});

const GeminiPart = z.object({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.object({ id: z.string().optional(), name: z.string(), args: z.unknown().optional() }).optional(),
});

const Response = z.object({
  candidates: z
    .array(
      z.object({
        index: z.number().int().default(0),
        content: z.object({ parts: z.array(GeminiPart).default([]) }).optional(),
        finishReason: z.string().nullish(),
      }),
    )
    .default([]),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: UsageMetadata.optional(),
});
type Candidate = z.infer<typeof Response>["candidates"][number];

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** Thinking tokens are billed as output by Google, so they count as completion tokens. */
function usageOf(metadata: z.infer<typeof UsageMetadata> | undefined): TokenUsage | null {
  if (!metadata) return null;
  return {
    promptTokens: metadata.promptTokenCount ?? 0,
    completionTokens: (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0),
  };
}

function finishOf(candidate: Candidate, hasToolCalls: boolean): FinishReason | null {
  if (!candidate.finishReason) return null;
  const reason = FINISH[candidate.finishReason] ?? "stop";
  return reason === "stop" && hasToolCalls ? "tool_calls" : reason;
}

function splitParts(candidate: Candidate, nextCallIndex: number) {
  const parts = (candidate.content?.parts ?? []).filter((part) => !part.thought);
  const text = parts.map((part) => part.text ?? "").join("");
  const calls = parts.flatMap((part, i): ToolCall[] =>
    part.functionCall
      ? [
          {
            id: part.functionCall.id ?? `call_${nextCallIndex + i}`,
            type: "function",
            function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
          },
        ]
      : [],
  );
  return { text, calls };
}

function parseResponse(json: unknown) {
  const parsed = Response.safeParse(json);
  if (!parsed.success) throw new MalformedUpstream("google returned a response of an unexpected shape");
  return parsed.data;
}

export const geminiAdapter: ProviderAdapter = {
  id: "google",

  toRequest(request, target) {
    const { system, turns } = splitSystem(request.messages);
    const format = request.response_format?.type;
    const generationConfig = {
      ...(request.temperature != null ? { temperature: request.temperature } : {}),
      ...(request.top_p != null ? { topP: request.top_p } : {}),
      ...(maxOutputTokens(request) ? { maxOutputTokens: maxOutputTokens(request) } : {}),
      ...(stopList(request.stop) ? { stopSequences: stopList(request.stop) } : {}),
      ...(request.n != null ? { candidateCount: request.n } : {}),
      ...(request.seed != null ? { seed: request.seed } : {}),
      ...(request.presence_penalty != null ? { presencePenalty: request.presence_penalty } : {}),
      ...(request.frequency_penalty != null ? { frequencyPenalty: request.frequency_penalty } : {}),
      ...(format === "json_object" || format === "json_schema" ? { responseMimeType: "application/json" } : {}),
    };
    const body = {
      contents: toContents(turns),
      ...(system !== null ? { systemInstruction: { parts: [{ text: system }] } } : {}),
      ...(request.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: request.tools.map((tool) => ({
                  name: tool.function.name,
                  ...(tool.function.description ? { description: tool.function.description } : {}),
                  ...(tool.function.parameters ? { parameters: tool.function.parameters } : {}),
                })),
              },
            ],
          }
        : {}),
      ...(toolConfig(request.tool_choice) ? { toolConfig: toolConfig(request.tool_choice) } : {}),
      ...(Object.keys(generationConfig).length ? { generationConfig } : {}),
    };
    const base = `${target.baseUrl.replace(/\/+$/, "")}/v1beta/models/${encodeURIComponent(target.model)}`;
    return {
      url: request.stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`,
      init: {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": target.apiKey },
        body: JSON.stringify(body),
      },
    };
  },

  fromResponse(json, meta): ChatCompletion {
    const response = parseResponse(json);
    const usage = usageOf(response.usageMetadata);
    const choices: ChatCompletion["choices"] = response.candidates.map((candidate) => {
      const { text, calls } = splitParts(candidate, 0);
      return {
        index: candidate.index,
        message: {
          role: "assistant",
          content: text || (calls.length ? null : ""),
          ...(calls.length ? { tool_calls: calls } : {}),
        },
        finish_reason: finishOf(candidate, calls.length > 0) ?? "stop",
      };
    });
    // A blocked prompt has no candidates at all; OpenAI clients expect one choice.
    if (choices.length === 0)
      choices.push({
        index: 0,
        message: { role: "assistant", content: "" },
        finish_reason: response.promptFeedback?.blockReason ? "content_filter" : "stop",
      });
    return {
      ...meta,
      object: "chat.completion",
      choices,
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
    const json = parseEventJson("google", event.data);
    const error = mayBeError(json) ? ErrorBody.safeParse(json) : null;
    if (error?.success) throw new ProviderStreamError(error.data.error.message);
    const response = parseResponse(json);
    // usageMetadata is cumulative on every event; the last one is the total.
    state.usage = usageOf(response.usageMetadata) ?? state.usage;
    const out: ChatCompletionChunk[] = [];
    if (!state.started) {
      state.started = true;
      out.push(chunk(state, { role: "assistant", content: "" }));
    }
    for (const candidate of response.candidates) {
      const { text, calls } = splitParts(candidate, state.toolCallIndex.size);
      const withIndex = (c: ChatCompletionChunk) => (c.choices[0] ? ((c.choices[0].index = candidate.index), c) : c);
      if (text) out.push(withIndex(chunk(state, { content: text })));
      for (const call of calls) {
        const index = state.toolCallIndex.size;
        state.toolCallIndex.set(call.id, index);
        out.push(withIndex(chunk(state, { tool_calls: [{ index, ...call }] })));
      }
      const finish = finishOf(candidate, state.toolCallIndex.size > 0);
      if (finish) {
        state.finishReason = finish;
        state.done = true;
        out.push(withIndex(chunk(state, {}, finish)));
      }
    }
    if (response.candidates.length === 0 && response.promptFeedback?.blockReason) {
      state.finishReason = "content_filter";
      state.done = true;
      out.push(chunk(state, {}, "content_filter"));
    }
    return out;
  },

  usage(json) {
    return usageOf(Response.safeParse(json).data?.usageMetadata);
  },

  errorMessage(json) {
    return ErrorBody.safeParse(json).data?.error.message ?? null;
  },
};
