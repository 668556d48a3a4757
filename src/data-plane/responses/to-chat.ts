import type { ChatMessage, ChatRequest, UserContentPart } from "../../providers/openai-schema";
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest } from "./request";

/** A Responses request as the chat request the pipeline runs on (pure; the result is validated as chat). */
export function responsesToChat(request: ResponsesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: "system", content: request.instructions });
  const items: ResponsesInputItem[] =
    typeof request.input === "string" ? [{ role: "user", content: request.input }] : request.input;
  for (const item of items) appendItem(messages, item);
  const format = request.text?.format;
  return {
    model: request.model,
    messages,
    tools: request.tools?.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        description: tool.description ?? undefined,
        parameters: tool.parameters ?? undefined,
        strict: tool.strict,
      },
    })),
    tool_choice:
      typeof request.tool_choice === "object"
        ? { type: "function", function: { name: request.tool_choice.name } }
        : request.tool_choice,
    parallel_tool_calls: request.parallel_tool_calls ?? undefined,
    response_format:
      format?.type === "json_schema"
        ? {
            type: "json_schema",
            json_schema: {
              name: format.name,
              description: format.description,
              schema: format.schema,
              strict: format.strict,
            },
          }
        : format,
    max_tokens: request.max_output_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    reasoning_effort: request.reasoning?.effort,
    service_tier: request.service_tier,
    user: request.user,
    metadata: request.metadata ?? undefined,
    // The Responses stream always ends with usage, so the chat stream under it must carry it.
    ...(request.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function appendItem(messages: ChatMessage[], item: ResponsesInputItem): void {
  if (item.type === "function_call") {
    const call = {
      id: item.call_id,
      type: "function" as const,
      function: { name: item.name, arguments: item.arguments },
    };
    const last = messages.at(-1);
    // Consecutive calls are one assistant turn in chat, as the model produced them.
    if (last?.role === "assistant" && !last.content) last.tool_calls = [...(last.tool_calls ?? []), call];
    else messages.push({ role: "assistant", content: null, tool_calls: [call] });
    return;
  }
  if (item.type === "function_call_output") {
    const output = typeof item.output === "string" ? item.output : item.output.map((part) => part.text).join("");
    messages.push({ role: "tool", tool_call_id: item.call_id, content: output });
    return;
  }
  if (typeof item.content === "string") {
    messages.push({ role: item.role, content: item.content });
    return;
  }
  if (item.role === "user") {
    messages.push({ role: "user", content: item.content.map(userPart) });
    return;
  }
  const text = item.content
    .map((part) => (part.type === "refusal" ? part.refusal : part.type === "input_image" ? "" : part.text))
    .join("");
  messages.push({ role: item.role, content: text });
}

function userPart(part: ResponsesContentPart): UserContentPart {
  if (part.type === "input_image")
    return { type: "image_url", image_url: { url: part.image_url, detail: part.detail } };
  return { type: "text", text: part.type === "refusal" ? part.refusal : part.text };
}
