import type { ChatCompletionChunk, FinishReason } from "../../providers/openai-schema";
import { type ChatStreamTranslator, readChunk } from "../translated-stream";
import {
  type ResponseObject,
  type ResponseOutputItem,
  responseIdOf,
  responseObject,
  type ResponseUsage,
  responseUsage,
  type StorageEcho,
} from "./from-chat";

type FunctionCallItem = Extract<ResponseOutputItem, { type: "function_call" }>;
type MessageItem = Extract<ResponseOutputItem, { type: "message" }>;

/**
 * chat.completion.chunk → Responses API events (pure state machine). The message item opens on the first text,
 * each tool call gets its own item, and everything closes at the end of the chat stream, where usage is known.
 */
export function responsesStreamTranslator(
  options: { storage?: StorageEcho; onCompleted?: (response: ResponseObject) => void } = {},
): ChatStreamTranslator {
  let sequence = 0;
  let base: ({ id: string; created: number; model: string } & Partial<StorageEcho>) | undefined;
  const output: ResponseOutputItem[] = [];
  let message: MessageItem | undefined;
  const calls = new Map<number, FunctionCallItem>();
  let finish: FinishReason | null = null;
  let usage: ResponseUsage | null = null;
  let failed = false;

  // A copy: the items keep growing after the event is emitted, and an event must show the state it announced.
  const event = (type: string, fields: object) => ({
    event: type,
    data: structuredClone({ type, sequence_number: sequence++, ...fields }),
  });
  const snapshot = (status: "in_progress" | "completed") =>
    responseObject(base ?? { id: "resp_", created: 0, model: "" }, output, finish, usage, status);

  function start(chunk: ChatCompletionChunk) {
    if (base) return [];
    base = { id: responseIdOf(chunk.id), created: chunk.created, model: chunk.model, ...options.storage };
    return [
      event("response.created", { response: snapshot("in_progress") }),
      event("response.in_progress", { response: snapshot("in_progress") }),
    ];
  }

  function text(delta: string) {
    const events = [];
    if (!message) {
      message = {
        type: "message",
        id: `msg_${base?.id.slice(5)}`,
        status: "in_progress",
        role: "assistant",
        content: [],
      };
      output.push(message);
      events.push(event("response.output_item.added", { output_index: output.length - 1, item: { ...message } }));
      events.push(event("response.content_part.added", { ...at(message), part: emptyText() }));
      message.content.push(emptyText());
    }
    const part = message.content[0];
    if (part) part.text += delta;
    events.push(event("response.output_text.delta", { ...at(message), delta, logprobs: [] }));
    return events;
  }

  function at(item: ResponseOutputItem) {
    return { item_id: item.id, output_index: output.indexOf(item), content_index: 0 };
  }

  function toolCall(delta: NonNullable<ChatCompletionChunk["choices"][number]["delta"]["tool_calls"]>[number]) {
    const events = [];
    let call = calls.get(delta.index);
    if (!call) {
      const callId = delta.id ?? `call_${delta.index}`;
      call = {
        type: "function_call",
        id: `fc_${callId}`,
        call_id: callId,
        name: "",
        arguments: "",
        status: "in_progress",
      };
      call.name = delta.function?.name ?? "";
      calls.set(delta.index, call);
      output.push(call);
      events.push(event("response.output_item.added", { output_index: output.length - 1, item: { ...call } }));
    }
    const piece = delta.function?.arguments;
    if (piece) {
      call.arguments += piece;
      const { item_id, output_index } = at(call);
      events.push(event("response.function_call_arguments.delta", { item_id, output_index, delta: piece }));
    }
    return events;
  }

  return {
    chunk(chunk) {
      return readChunk(chunk, {
        start,
        usage: (counts) => {
          usage = responseUsage(counts);
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
      return [event("error", { code: error.code, message: error.message, param: error.param ?? null })];
    },
    end() {
      if (failed) return [];
      const events = [];
      for (const item of output) {
        item.status = "completed";
        const { item_id, output_index } = at(item);
        if (item.type === "message") {
          const part = item.content[0] ?? emptyText();
          events.push(event("response.output_text.done", { ...at(item), text: part.text, logprobs: [] }));
          events.push(event("response.content_part.done", { ...at(item), part }));
        } else {
          events.push(
            event("response.function_call_arguments.done", { item_id, output_index, arguments: item.arguments }),
          );
        }
        events.push(event("response.output_item.done", { output_index, item }));
      }
      if (base) {
        const response = snapshot("completed");
        events.push(event("response.completed", { response }));
        options.onCompleted?.(structuredClone(response));
      }
      return events;
    },
  };
}

const emptyText = () => ({ type: "output_text" as const, text: "", annotations: [] as [] });
