import { anthropicErrorType } from "../../http/anthropic-envelope";
import type { ChatCompletionChunk, ChatRequest, FinishReason, ToolCallDelta } from "../../providers/openai-schema";
import { estimatePromptTokens } from "../../usage/token-count";
import { type ChatStreamTranslator, readChunk, type TranslatedEvent } from "../translated-stream";
import { type MessageUsage, messageIdOf, messageObject, messageUsage, stopReasonOf } from "./from-chat";

/**
 * chat.completion.chunk → Anthropic Messages stream events (pure state machine). Anthropic's content blocks are
 * sequential, one open at a time: text opens a text block, each tool call its own tool_use block, and a block
 * closes when the next one opens. Chat streams send each tool call's deltas together (OpenAI does, and so do our
 * adapters), so a block never needs reopening. Usage comes last in the chat stream, so `message_delta` carries it.
 */
export function messagesStreamTranslator(chat?: ChatRequest): ChatStreamTranslator {
  let started = false;
  /** The index of the open block and what it holds: "text", or the chat tool-call index it renders. */
  let open: { index: number; holds: "text" | number } | undefined;
  let blocks = 0;
  let finish: FinishReason | null = null;
  let usage: MessageUsage = messageUsage(null);
  let failed = false;

  const event = (type: string, fields: object = {}): TranslatedEvent => ({ event: type, data: { type, ...fields } });

  function start(chunk: ChatCompletionChunk): TranslatedEvent[] {
    if (started) return [];
    started = true;
    // The provider's input count arrives only at the end of the chat stream (message_delta carries it); until then
    // message_start gives the gateway's estimate, the one the reservation was made from, rather than 0.
    const estimate = chat ? estimatePromptTokens(chat.messages, chat.tools) : 0;
    const message = messageObject({ id: messageIdOf(chunk.id), model: chunk.model }, [], null, {
      input_tokens: estimate,
      output_tokens: 0,
    });
    return [event("message_start", { message })];
  }

  function close(): TranslatedEvent[] {
    if (!open) return [];
    const index = open.index;
    open = undefined;
    return [event("content_block_stop", { index })];
  }

  function openBlock(holds: "text" | number, contentBlock: object): TranslatedEvent[] {
    const events = close();
    open = { index: blocks++, holds };
    events.push(event("content_block_start", { index: open.index, content_block: contentBlock }));
    return events;
  }

  function text(delta: string): TranslatedEvent[] {
    const events = open?.holds === "text" ? [] : openBlock("text", { type: "text", text: "" });
    events.push(event("content_block_delta", { index: blocks - 1, delta: { type: "text_delta", text: delta } }));
    return events;
  }

  function toolCall(delta: ToolCallDelta): TranslatedEvent[] {
    const events =
      open?.holds === delta.index
        ? []
        : openBlock(delta.index, {
            type: "tool_use",
            id: delta.id ?? `toolu_${delta.index}`,
            name: delta.function?.name ?? "",
            input: {},
          });
    const piece = delta.function?.arguments;
    if (piece)
      events.push(
        event("content_block_delta", { index: blocks - 1, delta: { type: "input_json_delta", partial_json: piece } }),
      );
    return events;
  }

  return {
    chunk(chunk) {
      return readChunk(chunk, {
        start,
        usage: (counts) => {
          usage = messageUsage(counts);
        },
        text,
        toolCall,
        finish: (reason) => {
          finish = reason;
        },
      });
    },
    error(error) {
      failed = true;
      const { code, message, param = null } = error;
      return [event("error", { error: { type: anthropicErrorType(code), message, code, param } })];
    },
    end() {
      if (failed || !started) return [];
      return [
        ...close(),
        event("message_delta", { delta: { stop_reason: stopReasonOf(finish), stop_sequence: null }, usage }),
        event("message_stop"),
      ];
    },
  };
}
