import { z } from "zod";

/**
 * The Anthropic Messages API request the gateway accepts (a subset: see docs/providers.md). Unknown fields are
 * stripped like chat's; fields whose silent loss would change the answer are declared and refused instead.
 */

const Json: z.ZodType<unknown> = z.unknown();

/** Prompt-caching hints change cost, not the answer: accepted and not forwarded (no provider-side caching yet). */
const CacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.string().optional() }).nullish();

const TextBlock = z.object({ type: z.literal("text"), text: z.string(), cache_control: CacheControl });

const ImageSource = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("base64"),
    media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
    data: z.string().min(1),
  }),
  // The same rule as chat's image_url: a provider fetches it with the tenant's credentials.
  z.object({
    type: z.literal("url"),
    url: z
      .string()
      .min(1)
      .refine((url) => /^https:/i.test(url), "image URLs must be https:"),
  }),
]);
const ImageBlock = z.object({ type: z.literal("image"), source: ImageSource, cache_control: CacheControl });

const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), Json),
  cache_control: CacheControl,
});
const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  // Chat's tool message carries text only, so images in a tool result are refused rather than dropped.
  content: z.union([z.string(), z.array(TextBlock)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl,
});
/** Earlier turns' reasoning: Anthropic itself ignores it outside a tool loop, and no provider here takes it back. */
const ThinkingBlock = z.object({ type: z.enum(["thinking", "redacted_thinking"]) });

export const UserBlock = z.discriminatedUnion("type", [TextBlock, ImageBlock, ToolResultBlock]);
export type UserBlock = z.infer<typeof UserBlock>;
export const AssistantBlock = z.discriminatedUnion("type", [TextBlock, ToolUseBlock, ThinkingBlock]);
export type AssistantBlock = z.infer<typeof AssistantBlock>;

export const MessageParam = z.discriminatedUnion("role", [
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(UserBlock)]) }),
  z.object({ role: z.literal("assistant"), content: z.union([z.string(), z.array(AssistantBlock)]) }),
]);
export type MessageParam = z.infer<typeof MessageParam>;

const CustomTool = z.object({
  // Server tools (web_search_…, bash_…, code_execution_…) run at Anthropic only: their `type` is refused.
  type: z.literal("custom").optional(),
  name: z.string().min(1).max(64),
  description: z.string().optional(),
  input_schema: z.record(z.string(), Json),
  cache_control: CacheControl,
});

const noParallel = { disable_parallel_tool_use: z.boolean().optional() };
const ToolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), ...noParallel }),
  z.object({ type: z.literal("any"), ...noParallel }),
  z.object({ type: z.literal("tool"), name: z.string().min(1), ...noParallel }),
  z.object({ type: z.literal("none") }),
]);

/** A field the gateway knows but does not serve: present (not null) is a 400 naming it. */
const refused = (why: string) => z.null({ error: why }).optional();

export const MessagesRequest = z.object({
  model: z.string().min(1).max(200).optional(),
  // Required by Anthropic, and the reservation is made from it.
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  messages: z.array(MessageParam).min(1),
  // Anthropic's range; chat's goes to 2.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  // Chat (and so every provider behind it) takes at most four.
  stop_sequences: z.array(z.string()).max(4).optional(),
  stream: z.boolean().optional(),
  tools: z.array(CustomTool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).nullish(),
  thinking: z
    .object({
      type: z.literal("disabled", {
        error: "extended thinking is not supported by this gateway; leave `thinking` out or set it to disabled",
      }),
    })
    .nullish(),
  top_k: refused("top_k is not supported by this gateway (not every provider has it); use temperature or top_p"),
  mcp_servers: refused("mcp_servers is not supported by this gateway"),
  container: refused("container is not supported by this gateway"),
  context_management: refused("context_management is not supported by this gateway"),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;
