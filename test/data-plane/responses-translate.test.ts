import { describe, expect, it } from "vitest";
import { chatToResponse } from "../../src/data-plane/responses/from-chat";
import { ResponsesRequest } from "../../src/data-plane/responses/request";
import { responsesStreamTranslator } from "../../src/data-plane/responses/stream";
import { storedRecord } from "../../src/data-plane/responses/stored-record";
import { responsesToChat } from "../../src/data-plane/responses/to-chat";
import type { ChatCompletion, ChatCompletionChunk } from "../../src/providers/openai-schema";

/** The Responses ⇄ chat translators as plain functions: Responses body in, chat request out, and back. */
const toChat = (body: unknown) => responsesToChat(ResponsesRequest.parse(body));

describe("responsesToChat", () => {
  it.each([
    ["a string input is one user message", { input: "hi" }, [{ role: "user", content: "hi" }]],
    [
      "instructions come first, as the system message",
      { input: "hi", instructions: "Be brief." },
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
    ],
    [
      "developer and assistant text parts are joined; a refusal keeps its text",
      {
        input: [
          { role: "developer", content: [{ type: "input_text", text: "rule" }] },
          {
            type: "message",
            role: "assistant",
            content: [
              { type: "output_text", text: "a" },
              { type: "refusal", refusal: "b" },
            ],
          },
        ],
      },
      [
        { role: "developer", content: "rule" },
        { role: "assistant", content: "ab" },
      ],
    ],
    [
      "user parts keep their order; images become image_url parts with their detail",
      {
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "what is this?" },
              { type: "input_image", image_url: "https://img.example/cat.png", detail: "low" },
            ],
          },
        ],
      },
      [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            { type: "image_url", image_url: { url: "https://img.example/cat.png", detail: "low" } },
          ],
        },
      ],
    ],
    [
      "consecutive function calls are one assistant turn; each output is a tool message",
      {
        input: [
          { role: "user", content: "two cities" },
          { type: "function_call", call_id: "c1", name: "w", arguments: '{"q":"a"}' },
          { type: "function_call", call_id: "c2", name: "w", arguments: '{"q":"b"}' },
          { type: "function_call_output", call_id: "c1", output: "sun" },
          { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "rain" }] },
        ],
      },
      [
        { role: "user", content: "two cities" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "w", arguments: '{"q":"a"}' } },
            { id: "c2", type: "function", function: { name: "w", arguments: '{"q":"b"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "sun" },
        { role: "tool", tool_call_id: "c2", content: "rain" },
      ],
    ],
  ])("%s", (_, body, messages) => {
    expect(toChat(body).messages).toEqual(messages);
  });

  it("maps tools, tool_choice, text.format, the token cap and sampling fields to their chat names", () => {
    const chat = toChat({
      model: "mock/echo",
      input: "hi",
      tools: [{ type: "function", name: "w", description: "weather", parameters: { type: "object" }, strict: true }],
      tool_choice: { type: "function", name: "w" },
      parallel_tool_calls: false,
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      max_output_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
      metadata: { k: "v" },
      reasoning: { effort: "low" },
    });
    expect(chat).toMatchObject({
      reasoning_effort: "low",
      model: "mock/echo",
      tools: [
        {
          type: "function",
          function: { name: "w", description: "weather", parameters: { type: "object" }, strict: true },
        },
      ],
      tool_choice: { type: "function", function: { name: "w" } },
      parallel_tool_calls: false,
      response_format: {
        type: "json_schema",
        json_schema: { name: "out", schema: { type: "object" }, strict: true },
      },
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
      metadata: { k: "v" },
    });
    expect(chat.stream).toBeUndefined();
  });

  it("a streamed request asks the chat stream for usage, which response.completed carries", () => {
    expect(toChat({ input: "hi", stream: true })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    ["no input", {}, "input"],
    ["an empty item list", { input: [] }, "input"],
    ["background", { input: "hi", background: true }, "background"],
    ["a hosted tool", { input: "hi", tools: [{ type: "web_search" }] }, "tools"],
    ["an unknown item type", { input: [{ type: "item_reference", id: "x" }] }, "input"],
  ])("refuses %s", (_, body, field) => {
    const parsed = ResponsesRequest.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path[0]).toBe(field);
  });
});

const completion = (message: ChatCompletion["choices"][number]["message"], finish: "stop" | "length" | "tool_calls") =>
  ({
    id: "chatcmpl-abc",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "mock/echo",
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
  }) satisfies ChatCompletion;

describe("chatToResponse", () => {
  it("renders text as one output_text message with usage in Responses names", () => {
    const response = chatToResponse(completion({ role: "assistant", content: "hello" }, "stop"));
    expect(response).toMatchObject({
      id: "resp_abc",
      object: "response",
      created_at: 1_700_000_000,
      status: "completed",
      model: "mock/echo",
      output: [
        {
          type: "message",
          id: "msg_abc",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "hello", annotations: [] }],
        },
      ],
      output_text: "hello",
      incomplete_details: null,
      usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
    });
  });

  it("renders tool calls as function_call items with call_id and arguments", () => {
    const call = { id: "call_1", type: "function" as const, function: { name: "w", arguments: '{"q":1}' } };
    const response = chatToResponse(completion({ role: "assistant", content: null, tool_calls: [call] }, "tool_calls"));
    expect(response.output).toEqual([
      {
        type: "function_call",
        id: "fc_call_1",
        call_id: "call_1",
        name: "w",
        arguments: '{"q":1}',
        status: "completed",
      },
    ]);
    expect(response.output_text).toBe("");
  });

  it("a length stop is status incomplete with reason max_output_tokens", () => {
    const response = chatToResponse(completion({ role: "assistant", content: "cut" }, "length"));
    expect([response.status, response.incomplete_details]).toEqual(["incomplete", { reason: "max_output_tokens" }]);
  });
});

describe("responsesStreamTranslator", () => {
  const base = { id: "chatcmpl-s1", object: "chat.completion.chunk" as const, created: 1, model: "mock/echo" };
  const chunk = (
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null,
  ): ChatCompletionChunk => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const usage: ChatCompletionChunk = {
    ...base,
    choices: [],
    usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
  };

  function run(chunks: ChatCompletionChunk[]) {
    const translator = responsesStreamTranslator();
    return [...chunks.flatMap((c) => translator.chunk(c)), ...translator.end()];
  }

  it("text: created, in_progress, item and part opened, deltas, then everything closed and completed with usage", () => {
    const events = run([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      usage,
    ]);
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => (e.data as { sequence_number: number }).sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[6]?.data).toMatchObject({ text: "Hello", item_id: "msg_s1", output_index: 0, content_index: 0 });
    expect(events.at(-1)?.data).toMatchObject({
      response: {
        id: "resp_s1",
        status: "completed",
        output_text: "Hello",
        output: [{ type: "message", status: "completed", content: [{ text: "Hello" }] }],
        usage: { input_tokens: 4, output_tokens: 2, total_tokens: 6 },
      },
    });
    expect(events[0]?.data).toMatchObject({ response: { status: "in_progress", output: [] } });
  });

  it("a tool call: its own item, argument deltas, arguments done, item done", () => {
    const events = run([
      chunk({ tool_calls: [{ index: 0, id: "call_9", type: "function", function: { name: "w" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }),
      chunk({}, "tool_calls"),
      usage,
    ]);
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[2]?.data).toMatchObject({ item: { type: "function_call", call_id: "call_9", name: "w" } });
    expect(events[5]?.data).toMatchObject({ arguments: '{"q":1}', item_id: "fc_call_9" });
  });

  it("a length stop completes as incomplete", () => {
    const events = run([chunk({ content: "cut" }), chunk({}, "length"), usage]);
    expect(events.at(-1)?.data).toMatchObject({
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
  });

  it("an upstream error is one error event and nothing completes afterwards", () => {
    const translator = responsesStreamTranslator();
    const events = [
      ...translator.chunk(chunk({ content: "par" })),
      ...translator.error({ code: "provider_error", message: "upstream broke" }),
      ...translator.end(),
    ];
    expect(events.map((e) => e.event).slice(-1)).toEqual(["error"]);
    expect(events.at(-1)?.data).toMatchObject({ code: "provider_error", message: "upstream broke", param: null });
  });
});

describe("storedRecord", () => {
  const placeholders = { "<EMAIL_1>": "ann@example.com" };
  const response = {
    id: "resp_1",
    output_text: "Mail ann@example.com",
    output: [
      {
        type: "message" as const,
        id: "msg_1",
        status: "completed" as const,
        role: "assistant" as const,
        content: [{ type: "output_text" as const, text: "Mail ann@example.com", annotations: [] as [] }],
      },
      {
        type: "function_call" as const,
        id: "fc_c1",
        call_id: "c1",
        name: "send",
        arguments: '{"to":"ann@example.com"}',
        status: "completed" as const,
      },
    ],
  };

  it("puts the placeholders back everywhere and ends the conversation with the answer as one assistant turn", () => {
    const record = storedRecord([{ role: "user", content: "Write to <EMAIL_1>" }], response, placeholders);
    expect(JSON.stringify(record)).not.toContain("ann@example.com");
    expect(record.response.output_text).toBe("Mail <EMAIL_1>");
    expect(record.conversation).toEqual([
      { role: "user", content: "Write to <EMAIL_1>" },
      {
        role: "assistant",
        content: "Mail <EMAIL_1>",
        tool_calls: [{ id: "c1", type: "function", function: { name: "send", arguments: '{"to":"<EMAIL_1>"}' } }],
      },
    ]);
  });

  it("without masking keeps the answer as it is", () => {
    const record = storedRecord([], response, {});
    expect(record.response).toEqual(response);
  });
});
