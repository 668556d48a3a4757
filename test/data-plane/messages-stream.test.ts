import { describe, expect, it } from "vitest";
import { messagesStreamTranslator } from "../../src/data-plane/messages/stream";
import { translateChatStream } from "../../src/data-plane/translated-stream";
import { type ChatCompletionChunk, ChatRequest } from "../../src/providers/openai-schema";
import { estimatePromptTokens } from "../../src/usage/token-count";

type Delta = ChatCompletionChunk["choices"][number]["delta"];
const base = { id: "chatcmpl-s1", object: "chat.completion.chunk" as const, created: 1, model: "mock/tool-call" };
const delta = (d: Delta, finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null) => ({
  ...base,
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});
const usage = { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } };

function run(chunks: ChatCompletionChunk[]) {
  const translator = messagesStreamTranslator();
  return [...chunks.flatMap((chunk) => translator.chunk(chunk)), ...translator.end()];
}

describe("chat chunks → Anthropic stream events", () => {
  it("streams text as one text block, stop reason and usage in message_delta", () => {
    const events = run([
      delta({ role: "assistant", content: "" }),
      delta({ content: "Hel" }),
      delta({ content: "lo" }),
      delta({}, "stop"),
      usage,
    ]);
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.every((e) => (e.data as { type: string }).type === e.event)).toBe(true);
    expect(events[0]?.data).toMatchObject({
      message: {
        id: "msg_s1",
        type: "message",
        role: "assistant",
        model: "mock/tool-call",
        content: [],
        stop_reason: null,
      },
    });
    expect(events[1]?.data).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    expect(events[3]?.data).toEqual({
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "lo" },
    });
    expect(events[5]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 9, output_tokens: 4 },
    });
  });

  it("gives each tool call its own tool_use block after the text, arguments as input_json_delta", () => {
    const events = run([
      delta({ role: "assistant", content: "Checking." }),
      delta({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      delta({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "{}" } }] }),
      delta({}, "tool_calls"),
      usage,
    ]);
    const summary = events.map((e) => {
      const data = e.data as { index?: number; content_block?: { type: string }; delta?: { type?: string } };
      return [e.event, data.index ?? null, data.content_block?.type ?? data.delta?.type ?? null];
    });
    expect(summary).toEqual([
      ["message_start", null, null],
      ["content_block_start", 0, "text"],
      ["content_block_delta", 0, "text_delta"],
      ["content_block_stop", 0, null],
      ["content_block_start", 1, "tool_use"],
      ["content_block_delta", 1, "input_json_delta"],
      ["content_block_delta", 1, "input_json_delta"],
      ["content_block_stop", 1, null],
      ["content_block_start", 2, "tool_use"],
      ["content_block_delta", 2, "input_json_delta"],
      ["content_block_stop", 2, null],
      ["message_delta", null, null],
      ["message_stop", null, null],
    ]);
    expect(events[4]?.data).toMatchObject({ content_block: { type: "tool_use", id: "call_a", name: "f", input: {} } });
    const json = events
      .filter((e) => (e.data as { index?: number }).index === 1 && e.event === "content_block_delta")
      .map((e) => (e.data as { delta: { partial_json: string } }).delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ x: 1 });
    expect(events.at(-2)?.data).toMatchObject({ delta: { stop_reason: "tool_use" } });
  });

  it("announces the gateway's prompt estimate in message_start; message_delta then carries the provider's count", () => {
    const chat = ChatRequest.parse({ messages: [{ role: "user", content: "How many tokens is this prompt?" }] });
    const translator = messagesStreamTranslator(chat);
    const [start] = translator.chunk(delta({ role: "assistant", content: "" }));
    expect(start?.data).toMatchObject({
      message: { usage: { input_tokens: estimatePromptTokens(chat.messages), output_tokens: 0 } },
    });
    expect(estimatePromptTokens(chat.messages)).toBeGreaterThan(0);
    translator.chunk(usage);
    expect(translator.end().at(-2)?.data).toMatchObject({ usage: { input_tokens: 9, output_tokens: 4 } });
  });

  it("reports max_tokens when the cap cut the answer", () => {
    const events = run([delta({ content: "Partial" }), delta({}, "length"), usage]);
    expect(events.at(-2)?.data).toMatchObject({ delta: { stop_reason: "max_tokens" } });
  });
});

describe("the SSE edge", () => {
  const sse = (lines: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(lines.map((line) => `${line}\n\n`).join("")));
        controller.close();
      },
    });

  it("writes event: lines, and a mid-stream failure as an error event in the superset envelope, then stops", async () => {
    const body = sse([
      `data: ${JSON.stringify(delta({ content: "Hi" }))}`,
      `data: ${JSON.stringify({ error: { code: "provider_error", message: "The provider stream failed.", param: null } })}`,
      "data: [DONE]",
    ]);
    const text = await new Response(translateChatStream(body, messagesStreamTranslator())).text();
    const blocks = text.split("\n\n").filter(Boolean);
    expect(blocks.map((block) => block.split("\n")[0])).toEqual([
      "event: message_start",
      "event: content_block_start",
      "event: content_block_delta",
      "event: error",
    ]);
    const error = JSON.parse(blocks[3]?.split("\n")[1]?.slice(6) ?? "");
    expect(error).toEqual({
      type: "error",
      error: { type: "api_error", message: "The provider stream failed.", code: "provider_error", param: null },
    });
  });
});
