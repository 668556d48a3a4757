import { parseToolArguments } from "../../providers/message-parts";
import type { ChatCompletion, FinishReason, Usage } from "../../providers/openai-schema";

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export type MessageContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
}

/**
 * Chat's finish reason says "stop" both for the end of a turn and for a stop sequence, and does not say which
 * sequence matched, so a stop is always reported as `end_turn` (docs/providers.md).
 */
const STOP_REASONS: Record<FinishReason, StopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "refusal",
};
export const stopReasonOf = (finish: FinishReason | null | undefined): StopReason | null =>
  finish ? STOP_REASONS[finish] : null;

/** `msg_…` from the chat completion's id, so one request's ids agree across the two APIs and the logs. */
export const messageIdOf = (chatId: string) => `msg_${chatId.replace(/^chatcmpl-/, "")}`;

export const messageUsage = (usage: Usage | undefined | null): MessageUsage => ({
  input_tokens: usage?.prompt_tokens ?? 0,
  output_tokens: usage?.completion_tokens ?? 0,
});

/** The Message object around `content`. */
export function messageObject(
  base: { id: string; model: string },
  content: MessageContentBlock[],
  stopReason: StopReason | null,
  usage: MessageUsage,
) {
  return {
    id: base.id,
    type: "message" as const,
    role: "assistant" as const,
    model: base.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}

/** A whole chat completion as an Anthropic Message (pure): text first, then one tool_use block per call. */
export function chatToMessage(completion: ChatCompletion) {
  const choice = completion.choices[0];
  const content: MessageContentBlock[] = [];
  const text = choice?.message.content;
  if (text) content.push({ type: "text", text });
  for (const call of choice?.message.tool_calls ?? [])
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseToolArguments(call.function.arguments),
    });
  return messageObject(
    { id: messageIdOf(completion.id), model: completion.model },
    content,
    stopReasonOf(choice?.finish_reason),
    messageUsage(completion.usage),
  );
}
