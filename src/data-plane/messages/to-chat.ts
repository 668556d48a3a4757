import type { ChatMessage, ChatRequest, ToolCall, UserContentPart } from "../../providers/openai-schema";
import type { AssistantBlock, MessageParam, MessagesRequest, UserBlock } from "./request";

/** A Messages request as the chat request the pipeline runs on (pure; the result is validated as chat). */
export function messagesToChat(request: MessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  const system = typeof request.system === "string" ? request.system : request.system?.map(textPart);
  if (system?.length) messages.push({ role: "system", content: system });
  for (const message of request.messages) messages.push(...chatMessagesOf(message));
  const choice = request.tool_choice;
  const parallel = choice && choice.type !== "none" && choice.disable_parallel_tool_use ? false : undefined;
  return {
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    stop: request.stop_sequences,
    user: request.metadata?.user_id ?? undefined,
    tools: request.tools?.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
    })),
    tool_choice:
      choice === undefined
        ? undefined
        : choice.type === "tool"
          ? { type: "function", function: { name: choice.name } }
          : TOOL_CHOICES[choice.type],
    parallel_tool_calls: parallel,
    // The Messages stream ends with usage (message_delta), so the chat stream under it must carry it.
    ...(request.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

const TOOL_CHOICES = { auto: "auto", any: "required", none: "none" } as const;

const textPart = (block: { text: string }) => ({ type: "text" as const, text: block.text });

function chatMessagesOf(message: MessageParam): ChatMessage[] {
  if (typeof message.content === "string") return [{ role: message.role, content: message.content }];
  return message.role === "user" ? userMessages(message.content) : [assistantMessage(message.content)];
}

/**
 * A user turn's tool results become chat tool messages, which must follow the assistant's calls directly, so
 * they go first (Anthropic also requires them first); the turn's text and images follow as one user message.
 */
function userMessages(blocks: UserBlock[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    if (block.type === "tool_result") {
      const text =
        typeof block.content === "string" ? block.content : (block.content ?? []).map((b) => b.text).join("");
      // Chat has no error flag on a tool message: the model is told in the text instead.
      messages.push({
        role: "tool",
        tool_call_id: block.tool_use_id,
        content: block.is_error ? `Error: ${text}` : text,
      });
    } else if (block.type === "image") {
      const url =
        block.source.type === "base64"
          ? `data:${block.source.media_type};base64,${block.source.data}`
          : block.source.url;
      parts.push({ type: "image_url", image_url: { url } });
    } else parts.push(textPart(block));
  }
  if (parts.length > 0) messages.push({ role: "user", content: parts });
  return messages;
}

function assistantMessage(blocks: AssistantBlock[]): ChatMessage {
  const text = blocks.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  const calls: ToolCall[] = blocks.flatMap((block) =>
    block.type === "tool_use"
      ? [{ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } }]
      : [],
  );
  if (calls.length === 0) return { role: "assistant", content: text };
  return { role: "assistant", content: text || null, tool_calls: calls };
}
