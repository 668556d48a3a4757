import { describe, expect, it } from "vitest";
import { anthropicAdapter } from "../../src/providers/anthropic";
import { ChatRequest } from "../../src/providers/openai-schema";
import error400 from "../fixtures/providers/anthropic/error-400.json";
import message from "../fixtures/providers/anthropic/message.json";
import toolUse from "../fixtures/providers/anthropic/message-tool-use.json";
import streamError from "../fixtures/providers/anthropic/stream-error.sse?raw";
import streamToolUse from "../fixtures/providers/anthropic/stream-tool-use.sse?raw";
import stream from "../fixtures/providers/anthropic/stream.sse?raw";
import { META, finishReasons, streamFixture } from "./fixture-stream";

const target = { model: "claude-3-5-haiku-latest", apiKey: "sk-ant-test", baseUrl: "https://anthropic.test/" };
const bodyOf = (request: unknown) =>
  JSON.parse(anthropicAdapter.toRequest(ChatRequest.parse(request), target).init.body ?? "{}");
const hi = [{ role: "user", content: "hi" }];

describe("anthropic toRequest", () => {
  it("posts to /v1/messages with the key and API version headers", () => {
    const { url, init } = anthropicAdapter.toRequest(ChatRequest.parse({ messages: hi }), target);
    expect(url).toBe("https://anthropic.test/v1/messages");
    expect(init.headers).toMatchObject({ "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" });
  });

  const fields: Array<[string, object, object]> = [
    ["default max_tokens", {}, { max_tokens: 4096 }],
    ["max_completion_tokens wins", { max_tokens: 10, max_completion_tokens: 20 }, { max_tokens: 20 }],
    ["temperature clamped to 1", { temperature: 1.7 }, { temperature: 1 }],
    ["stop string", { stop: "END" }, { stop_sequences: ["END"] }],
    ["user id", { user: "u-1" }, { metadata: { user_id: "u-1" } }],
    ["stream", { stream: true }, { stream: true }],
    ["tool_choice required", { tool_choice: "required" }, { tool_choice: { type: "any" } }],
    ["tool_choice none", { tool_choice: "none" }, { tool_choice: { type: "none" } }],
    [
      "named tool, no parallel calls",
      { tool_choice: { type: "function", function: { name: "f" } }, parallel_tool_calls: false },
      { tool_choice: { type: "tool", name: "f", disable_parallel_tool_use: true } },
    ],
    [
      "tools",
      { tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" } } }] },
      { tools: [{ name: "f", description: "d", input_schema: { type: "object" } }] },
    ],
  ];
  it.each(fields)("maps %s", (_name, extra, expected) => {
    expect(bodyOf({ messages: hi, ...extra })).toMatchObject(expected);
  });

  it("moves system messages to `system` and turns tool traffic into tool_use/tool_result blocks", () => {
    const body = bodyOf({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "No emoji." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "w", arguments: '{"city":"Oslo"}' } },
            { id: "call_2", type: "function", function: { name: "w", arguments: "not json" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "3°C" },
        { role: "tool", tool_call_id: "call_2", content: "n/a" },
      ],
    });
    expect(body.system).toBe("Be brief.\n\nNo emoji.");
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Weather?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "w", input: { city: "Oslo" } },
          { type: "tool_use", id: "call_2", name: "w", input: { _raw: "not json" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "3°C" },
          { type: "tool_result", tool_use_id: "call_2", content: "n/a" },
        ],
      },
    ]);
  });
});

describe("anthropic responses", () => {
  it("translates a text message, counting cached input as prompt tokens", () => {
    expect(anthropicAdapter.fromResponse(message, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 16, completion_tokens: 11, total_tokens: 27 },
    });
    expect(anthropicAdapter.usage(message)).toEqual({ promptTokens: 16, completionTokens: 11 });
  });

  it("translates tool_use blocks into tool_calls", () => {
    const choice = anthropicAdapter.fromResponse(toolUse, META).choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("I'll check the weather.");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "toolu_01A09q90qw90lq917835lq9",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      },
    ]);
  });

  it("rejects a body that is not a message", () => {
    expect(() => anthropicAdapter.fromResponse({ hello: 1 }, META)).toThrow(/unexpected shape/);
  });

  it("reads the message of an error body", () => {
    expect(anthropicAdapter.errorMessage(error400)).toMatch(/roles must alternate/);
  });
});

describe("anthropic streams", () => {
  it("streams text with message_delta's usage", async () => {
    const { text, outcome, out } = await streamFixture(anthropicAdapter, stream);
    expect(text).toBe("Héllo wörld 👋");
    expect(finishReasons(out)).toEqual(["stop"]);
    expect(outcome).toEqual({
      status: "completed",
      finishReason: "stop",
      usage: { promptTokens: 25, completionTokens: 15, source: "provider" },
    });
  });

  it("streams a tool call as OpenAI tool_call deltas", async () => {
    const { text, toolCalls, outcome } = await streamFixture(anthropicAdapter, streamToolUse);
    expect(text).toBe("Checking.");
    expect(toolCalls).toEqual([
      {
        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        type: "function",
        function: { name: "get_weather", arguments: '{"location": "San Francisco, CA"}' },
      },
    ]);
    expect(outcome).toMatchObject({ finishReason: "tool_calls", usage: { promptTokens: 472, completionTokens: 89 } });
  });

  it("ends with an error event naming the provider when Anthropic sends `error`", async () => {
    const { out, outcome } = await streamFixture(anthropicAdapter, streamError);
    expect(out.at(-2)).toEqual({
      error: expect.objectContaining({ message: "anthropic reported an error mid-stream." }),
    });
    expect(out.at(-1)).toEqual({ done: true });
    expect(outcome.status).toBe("failed");
  });
});
