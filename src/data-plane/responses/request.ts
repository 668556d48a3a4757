import { z } from "zod";
import { ChatRequest } from "../../providers/openai-schema";

/**
 * The OpenAI Responses API request the gateway accepts (a subset: see docs/providers.md). Unknown fields are
 * stripped like chat's; fields whose silent loss would change the answer are declared and refused instead.
 */

const Json: z.ZodType<unknown> = z.unknown();

const InputText = z.object({ type: z.literal("input_text"), text: z.string() });
const InputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1),
  detail: z.enum(["auto", "low", "high"]).optional(),
});
const OutputText = z.object({ type: z.literal("output_text"), text: z.string() });
const Refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });

const ContentPart = z.discriminatedUnion("type", [InputText, InputImage, OutputText, Refusal]);
export type ResponsesContentPart = z.infer<typeof ContentPart>;

const MessageItem = z.object({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(ContentPart)]),
});
const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(InputText)]),
});

export const ResponsesInputItem = z.union([MessageItem, FunctionCallItem, FunctionCallOutputItem]);
export type ResponsesInputItem = z.infer<typeof ResponsesInputItem>;

const FunctionTool = z.object({
  type: z.literal("function"),
  name: z.string().min(1).max(64),
  description: z.string().nullish(),
  parameters: z.record(z.string(), Json).nullish(),
  strict: z.boolean().nullish(),
});

const TextFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    description: z.string().optional(),
    schema: z.record(z.string(), Json),
    strict: z.boolean().nullish(),
  }),
]);

/** `resp_…` as the gateway hands them out; anything else cannot name a stored response. */
export const ResponseId = z.string().regex(/^resp_[A-Za-z0-9_-]{1,100}$/, "must be a response id (resp_…)");

/** A field the gateway knows but does not serve: present (not null) is a 400 naming it. */
const refused = (why: string) => z.null({ error: why }).optional();

export const ResponsesRequest = z.object({
  model: z.string().min(1).max(200).optional(),
  input: z.union([z.string(), z.array(ResponsesInputItem).min(1)]),
  instructions: z.string().nullish(),
  tools: z.array(FunctionTool).max(128).optional(),
  tool_choice: z
    .union([z.enum(["none", "auto", "required"]), z.object({ type: z.literal("function"), name: z.string() })])
    .optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: TextFormat.optional() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  reasoning: z.object({ effort: z.enum(["minimal", "low", "medium", "high"]).nullish() }).nullish(),
  // The chat rule (docs/limits.md): a tier dearer than the price table is refused, naming the field.
  service_tier: ChatRequest.shape.service_tier,
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  user: z.string().max(256).optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  previous_response_id: ResponseId.nullish(),
  conversation: refused("conversation objects are not supported; chain responses with previous_response_id"),
  prompt: refused("prompt templates are not supported; send the prompt in instructions and input"),
  background: z
    .boolean()
    .nullish()
    .refine((value) => value !== true, { message: "background responses are not supported" }),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
