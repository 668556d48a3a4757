import { describe, expect, it } from "vitest";
import { chatToMessage } from "../../src/data-plane/messages/from-chat";
import type { ChatCompletion } from "../../src/providers/openai-schema";

const completion = (
  message: ChatCompletion["choices"][number]["message"],
  finish: ChatCompletion["choices"][number]["finish_reason"],
): ChatCompletion => ({
  id: "chatcmpl-abc123",
  object: "chat.completion",
  created: 1,
  model: "anthropic/claude-haiku",
  choices: [{ index: 0, message, finish_reason: finish }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
});

describe("chat completion → Anthropic Message", () => {
  it("renders text with the msg_ id, the model and Anthropic's usage", () => {
    expect(chatToMessage(completion({ role: "assistant", content: "Hello" }, "stop"))).toEqual({
      id: "msg_abc123",
      type: "message",
      role: "assistant",
      model: "anthropic/claude-haiku",
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
  });

  it("renders tool calls as tool_use blocks with parsed input, after the text", () => {
    const message = chatToMessage(
      completion(
        {
          role: "assistant",
          content: "Let me look.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        "tool_calls",
      ),
    );
    expect(message.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_2", name: "get_time", input: {} },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
    [null, null],
  ] as const)("maps finish_reason %s to stop_reason %s", (finish, stop) => {
    expect(chatToMessage(completion({ role: "assistant", content: "x" }, finish)).stop_reason).toBe(stop);
  });

  it("leaves content empty when the model said nothing", () => {
    expect(chatToMessage(completion({ role: "assistant", content: "" }, "stop")).content).toEqual([]);
  });
});
