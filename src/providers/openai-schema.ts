import { z } from "zod";

/**
 * OpenAI Chat Completions shapes: the request the gateway accepts, and the completion and chunk it
 * returns whatever the provider. Unknown request fields are stripped, not forwarded: a field we do not
 * know could change billing or behaviour upstream. The OpenAI extras we do forward are declared below.
 */

const Json: z.ZodType<unknown> = z.unknown();

export const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const ImagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({
    // Anything else is fetched by the provider with the tenant's credentials: a `gs://` URI makes Gemini on
    // Vertex read the tenant's own buckets on an end user's say-so; `http:` and `file:` have no business here.
    url: z
      .string()
      .min(1)
      .refine((url) => /^(https:|data:)/i.test(url), "image URLs must be https: or data:"),
    detail: z.enum(["auto", "low", "high"]).optional(),
  }),
});
const AudioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});
const FilePart = z.object({
  type: z.literal("file"),
  file: z.object({ file_id: z.string().optional(), file_data: z.string().optional(), filename: z.string().optional() }),
});
const RefusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

export const UserContentPart = z.discriminatedUnion("type", [TextPart, ImagePart, AudioPart, FilePart]);
export type UserContentPart = z.infer<typeof UserContentPart>;

export const ToolCall = z.object({
  id: z.string(),
  type: z.literal("function").default("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof ToolCall>;

const SystemMessage = z.object({
  role: z.enum(["system", "developer"]),
  content: z.union([z.string(), z.array(TextPart)]),
  name: z.string().optional(),
});
const UserMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(UserContentPart)]),
  name: z.string().optional(),
});
const AssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPart, RefusalPart]))]).nullish(),
  name: z.string().optional(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCall).optional(),
});
const ToolMessage = z.object({
  role: z.literal("tool"),
  content: z.union([z.string(), z.array(TextPart)]),
  tool_call_id: z.string(),
});

export const ChatMessage = z.discriminatedUnion("role", [SystemMessage, UserMessage, AssistantMessage, ToolMessage]);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Tool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    parameters: z.record(z.string(), Json).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type Tool = z.infer<typeof Tool>;

export const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

export const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), Json).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/**
 * A parameter that makes the provider bill beyond the model's token prices, which the price table (and so
 * the reservation) cannot bound: refused with 400 naming it, rather than silently dropped.
 */
function notPriced(what: string) {
  return z
    .unknown()
    .refine((value) => value == null, `${what} is billed beyond the model's token prices and is not supported`)
    .transform(() => undefined)
    .optional();
}

export const ChatRequest = z.object({
  model: z.string().min(1).max(200).optional(),
  messages: z.array(ChatMessage).min(1),
  tools: z.array(Tool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ResponseFormat.optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().max(256).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  // OpenAI extras forwarded to the OpenAI family only; translating adapters ignore them.
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullish(),
  // Billing-changing parameters (docs/limits.md): the price table has one price per model, so a tier dearer
  // than it (priority, scale) is refused; flex costs less and is charged at the table price.
  service_tier: z
    .enum(["auto", "default", "flex"], { error: "service_tier other than auto, default or flex changes the price" })
    .nullish(),
  prediction: notPriced("prediction (predicted outputs bill rejected prediction tokens)"),
  audio: notPriced("audio output"),
  modalities: z.array(z.literal("text", { error: "modalities other than text are billed at audio prices" })).optional(),
  web_search_options: notPriced("web_search_options (billed per search)"),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const FinishReason = z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]);
export type FinishReason = z.infer<typeof FinishReason>;

export const Usage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal("assistant"),
        content: z.string().nullable(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ToolCall).optional(),
      }),
      finish_reason: FinishReason.nullable(),
      logprobs: Json.optional(),
    }),
  ),
  usage: Usage.optional(),
  system_fingerprint: z.string().nullish(),
});
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const ToolCallDelta = z.object({
  index: z.number().int(),
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});
export type ToolCallDelta = z.infer<typeof ToolCallDelta>;

export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal("assistant").optional(),
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ToolCallDelta).optional(),
      }),
      finish_reason: FinishReason.nullable(),
      logprobs: Json.optional(),
    }),
  ),
  usage: Usage.nullish(),
  system_fingerprint: z.string().nullish(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

/** The text of a message's content, whichever form it came in; non-text parts contribute nothing. */
export function contentText(content: ChatMessage["content"]): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" ? part.text : part.type === "refusal" ? part.refusal : ""))
    .join("");
}
