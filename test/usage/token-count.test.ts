import { describe, expect, it } from "vitest";
import { ChatRequest } from "../../src/providers/openai-schema";
import { estimatePromptTokens, estimateTokens } from "../../src/usage/token-count";

describe("estimateTokens", () => {
  const cases: Array<[string, number]> = [
    ["", 0],
    ["   \n\t ", 0],
    ["hi", 1],
    ["Hello", 1], // round(5/4)
    ["Hello there", 2],
    ["internationalization", 5], // 20 chars
    ["Hello, world!", 4], // 2 words + 2 punctuation
    ["a-b", 3],
    ["日本語", 3], // one per CJK character
    ["👋👋", 2],
    ["x".repeat(4000), 1000],
  ];
  it.each(cases)("%j ≈ %i tokens", (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe("estimatePromptTokens", () => {
  const messages = (...list: object[]) => ChatRequest.parse({ messages: list }).messages;

  it("adds per-message framing and reply priming", () => {
    expect(estimatePromptTokens(messages({ role: "user", content: "hi" }))).toBe(3 + 4 + 1);
    expect(estimatePromptTokens(messages({ role: "system", content: "hi" }, { role: "user", content: "hi" }))).toBe(
      3 + 2 * (4 + 1),
    );
  });

  it("reserves a flat amount per image", () => {
    const withImage = messages({
      role: "user",
      content: [
        { type: "text", text: "hi" },
        { type: "image_url", image_url: { url: "https://x/y.png" } },
      ],
    });
    expect(estimatePromptTokens(withImage)).toBe(3 + 4 + 1 + 765);
  });

  it("counts tool calls and tool definitions", () => {
    const base = messages({ role: "user", content: "hi" });
    const tools =
      ChatRequest.parse({
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
      }).tools ?? [];
    expect(estimatePromptTokens(base, tools)).toBeGreaterThan(estimatePromptTokens(base));
    const withCall = messages({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
    });
    expect(estimatePromptTokens(withCall)).toBeGreaterThan(3 + 4);
  });
});
