import { describe, expect, it } from "vitest";
import { cohereAdapter } from "../../src/providers/cohere";
import { ChatRequest } from "../../src/providers/openai-schema";
import error400 from "../fixtures/providers/cohere/error-400.json";
import toolCall from "../fixtures/providers/cohere/response-tool-call.json";
import response from "../fixtures/providers/cohere/response.json";
import streamToolCall from "../fixtures/providers/cohere/stream-tool-call.sse?raw";
import stream from "../fixtures/providers/cohere/stream.sse?raw";
import { META, finishReasons, streamFixture } from "./fixture-stream";

const target = { model: "command-r-08-2024", apiKey: "co-test", baseUrl: "https://cohere.test" };
const bodyOf = (request: unknown) =>
  JSON.parse(cohereAdapter.toRequest(ChatRequest.parse(request), target).init.body ?? "{}");
const hi = [{ role: "user", content: "hi" }];

describe("cohere toRequest", () => {
  it("posts to /v2/chat with a bearer key", () => {
    const { url, init } = cohereAdapter.toRequest(ChatRequest.parse({ messages: hi }), target);
    expect(url).toBe("https://cohere.test/v2/chat");
    expect(init.headers.authorization).toBe("Bearer co-test");
  });

  const fields: Array<[string, object, object]> = [
    ["top_p as p", { top_p: 0.5 }, { p: 0.5 }],
    ["stop as stop_sequences", { stop: "END" }, { stop_sequences: ["END"] }],
    ["max_completion_tokens", { max_completion_tokens: 99 }, { max_tokens: 99 }],
    ["json mode", { response_format: { type: "json_object" } }, { response_format: { type: "json_object" } }],
    ["tool_choice required", { tool_choice: "required" }, { tool_choice: "REQUIRED" }],
    ["stream", { stream: true }, { stream: true }],
  ];
  it.each(fields)("maps %s", (_name, extra, expected) => {
    expect(bodyOf({ messages: hi, ...extra })).toMatchObject(expected);
  });

  it("narrows the tools to a named tool_choice and requires a call", () => {
    const tools = ["a", "b"].map((name) => ({ type: "function", function: { name } }));
    const body = bodyOf({ messages: hi, tools, tool_choice: { type: "function", function: { name: "b" } } });
    expect(body.tools).toEqual([{ type: "function", function: { name: "b" } }]);
    expect(body.tool_choice).toBe("REQUIRED");
  });

  it("keeps roles, tool calls and tool results in v2's OpenAI-like shape", () => {
    const body = bodyOf({
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Weather?" },
        { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather?" },
      { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
    ]);
  });
});

describe("cohere responses", () => {
  it("translates a text reply, billing by billed_units", () => {
    expect(cohereAdapter.fromResponse(response, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
    });
  });

  it("translates tool calls", () => {
    const choice = cohereAdapter.fromResponse(toolCall, META).choices[0];
    expect(choice).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        content: null,
        tool_calls: [
          { id: "get_weather_1byjy32y4hvq", function: { name: "get_weather", arguments: '{"location":"Toronto"}' } },
        ],
      },
    });
  });

  it("reads the message of an error body", () => {
    expect(cohereAdapter.errorMessage(error400)).toMatch(/at least 1 token/);
  });
});

describe("cohere streams", () => {
  it("streams content-delta text with message-end usage", async () => {
    const { text, out, outcome } = await streamFixture(cohereAdapter, stream);
    expect(text).toBe("Héllo wörld 👋");
    expect(finishReasons(out)).toEqual(["stop"]);
    expect(outcome).toEqual({
      status: "completed",
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 5, source: "provider" },
    });
  });

  it("streams tool-call-start/delta as OpenAI tool_call deltas", async () => {
    const { toolCalls, outcome } = await streamFixture(cohereAdapter, streamToolCall);
    expect(toolCalls).toEqual([
      {
        id: "get_weather_nsz5zm3w56q3",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"Toronto"}' },
      },
    ]);
    expect(outcome).toMatchObject({ finishReason: "tool_calls", usage: { promptTokens: 37, completionTokens: 16 } });
  });
});
