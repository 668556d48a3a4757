import type { ChatCompletion, FinishReason, Usage } from "../../providers/openai-schema";

/** One item of a Response's `output`: the assistant message, or a function call the model made. */
export type ResponseOutputItem =
  | {
      type: "message";
      id: string;
      status: "completed" | "in_progress";
      role: "assistant";
      content: { type: "output_text"; text: string; annotations: [] }[];
    }
  | {
      type: "function_call";
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: "completed" | "in_progress";
    };

export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens_details: { reasoning_tokens: number };
}

/** `resp_…` from the chat completion's id, so one request's ids agree across the two APIs and the logs. */
export const responseIdOf = (chatId: string) => `resp_${chatId.replace(/^chatcmpl-/, "")}`;

export function responseUsage(usage: Usage | undefined | null): ResponseUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    output_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens_details: { reasoning_tokens: 0 },
  };
}

/** What the Response object echoes of the request's storage fields. */
export interface StorageEcho {
  store: boolean;
  previousResponseId: string | null;
}
const NOT_STORED: StorageEcho = { store: false, previousResponseId: null };

export type ResponseObject = ReturnType<typeof responseObject>;

/** The Response object around `output`; `finish` decides completed vs incomplete (the token cap was hit). */
export function responseObject(
  base: { id: string; created: number; model: string } & Partial<StorageEcho>,
  output: ResponseOutputItem[],
  finish: FinishReason | null,
  usage: ResponseUsage | null,
  status: "completed" | "in_progress" = "completed",
) {
  const incomplete = status === "completed" && finish === "length";
  const text = output.flatMap((item) => (item.type === "message" ? item.content.map((part) => part.text) : []));
  return {
    id: base.id,
    object: "response" as const,
    created_at: base.created,
    status: incomplete ? ("incomplete" as const) : status,
    model: base.model,
    output,
    output_text: text.join(""),
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    store: base.store ?? false,
    previous_response_id: base.previousResponseId ?? null,
    usage,
  };
}

/** A whole chat completion as a Responses API response object (pure). */
export function chatToResponse(completion: ChatCompletion, storage: StorageEcho = NOT_STORED) {
  const choice = completion.choices[0];
  const suffix = completion.id.replace(/^chatcmpl-/, "");
  const output: ResponseOutputItem[] = [];
  const text = choice?.message.content;
  if (text)
    output.push({
      type: "message",
      id: `msg_${suffix}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    });
  for (const call of choice?.message.tool_calls ?? [])
    output.push({
      type: "function_call",
      id: `fc_${call.id}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: "completed",
    });
  const base = { id: responseIdOf(completion.id), created: completion.created, model: completion.model, ...storage };
  return responseObject(base, output, choice?.finish_reason ?? null, responseUsage(completion.usage));
}
