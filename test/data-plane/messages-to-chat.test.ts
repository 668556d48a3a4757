import { describe, expect, it } from "vitest";
import { MessagesRequest } from "../../src/data-plane/messages/request";
import { messagesToChat } from "../../src/data-plane/messages/to-chat";
import { ChatRequest } from "../../src/providers/openai-schema";

/** The Anthropic body as the gateway reads it, translated, and held to the chat schema the pipeline runs on. */
const toChat = (body: unknown) => ChatRequest.parse(messagesToChat(MessagesRequest.parse(body)));
const base = { model: "mock/echo", max_tokens: 256 };

describe("Messages request → chat request", () => {
  it("maps the scalar fields, the system blocks and metadata.user_id", () => {
    const chat = toChat({
      ...base,
      system: [
        { type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Be kind." },
      ],
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "u-42" },
      thinking: { type: "disabled" },
    });
    expect(chat).toEqual({
      model: "mock/echo",
      max_tokens: 256,
      temperature: 0.3,
      top_p: 0.9,
      stop: ["END"],
      user: "u-42",
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: "Be brief." },
            { type: "text", text: "Be kind." },
          ],
        },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("asks the chat stream for usage when streaming", () => {
    const chat = toChat({ ...base, stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(chat.stream).toBe(true);
    expect(chat.stream_options).toEqual({ include_usage: true });
  });

  it("turns images into image_url parts: base64 as a data URL, url as is", () => {
    const chat = toChat({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(chat.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
  });

  it("runs a tool round trip: tool_use → tool_calls, tool_result → tool messages before the user's text", () => {
    const chat = toChat({
      ...base,
      tools: [{ name: "get_weather", description: "Weather now", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "two calls", signature: "sig" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [{ type: "text", text: "no data" }],
              is_error: true,
            },
            { type: "text", text: "Thanks" },
          ],
        },
      ],
    });
    expect(chat.tools).toEqual([
      {
        type: "function",
        function: { name: "get_weather", description: "Weather now", parameters: { type: "object", properties: {} } },
      },
    ]);
    expect(chat.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(chat.parallel_tool_calls).toBe(false);
    expect(chat.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18C" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no data" },
      { role: "user", content: [{ type: "text", text: "Thanks" }] },
    ]);
  });

  it.each([
    [{ type: "auto" }, "auto", undefined],
    [{ type: "any" }, "required", undefined],
    [{ type: "none" }, "none", undefined],
    [{ type: "auto", disable_parallel_tool_use: true }, "auto", false],
  ])("maps tool_choice %j", (choice, expected, parallel) => {
    const chat = toChat({
      ...base,
      tools: [{ name: "t", input_schema: { type: "object" } }],
      tool_choice: choice,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(chat.tool_choice).toBe(expected);
    expect(chat.parallel_tool_calls).toBe(parallel);
  });

  it("gives an assistant turn of tool calls only a null content", () => {
    const chat = toChat({
      ...base,
      messages: [
        { role: "user", content: "Go" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "t", input: {} }] },
      ],
    });
    expect(chat.messages[1]).toMatchObject({ role: "assistant", content: null });
  });
});

describe("Messages request refusals (the field is named)", () => {
  const hi = { ...base, messages: [{ role: "user", content: "Hi" }] };
  it.each([
    [{ model: "m", messages: hi.messages }, "max_tokens"],
    [{ ...base, messages: [] }, "messages"],
    [{ ...hi, top_k: 5 }, "top_k"],
    [{ ...hi, thinking: { type: "enabled", budget_tokens: 2048 } }, "thinking.type"],
    [{ ...hi, temperature: 1.5 }, "temperature"],
    [{ ...hi, stop_sequences: ["a", "b", "c", "d", "e"] }, "stop_sequences"],
    [{ ...hi, mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "x" }] }, "mcp_servers"],
    [{ ...hi, tools: [{ type: "web_search_20250305", name: "web_search" }] }, "tools.0.type"],
    [{ ...hi, messages: [{ role: "system", content: "x" }] }, "messages.0.role"],
    [
      { ...base, messages: [{ role: "user", content: [{ type: "document", source: { type: "text", data: "x" } }] }] },
      "messages.0.content",
    ],
    [
      { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "http://x" } }] }] },
      "messages.0.content.0.source.url",
    ],
  ])("refuses %j at %s", (body, path) => {
    const parsed = MessagesRequest.safeParse(body);
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join("."));
    expect(paths?.some((p) => p.startsWith(path))).toBe(true);
  });
});
