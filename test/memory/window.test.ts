import { describe, expect, it } from "vitest";
import { injectMemory, toStoredMessages, trimToWindow } from "../../src/memory/window";

const u = (n: number) => ({ role: "user", content: `u${n}` });
const a = (n: number) => ({ role: "assistant", content: `a${n}` });
const call = { id: "c1", type: "function", function: { name: "lookup", arguments: "{}" } };
const contents = (messages: { content?: unknown }[]) => messages.map((m) => m.content);

describe("trimToWindow", () => {
  const history = [u(1), a(1), u(2), a(2), { role: "tool", content: "t2" }, u(3), a(3)];
  it.each([
    [0, []],
    [1, ["u3", "a3"]],
    [2, ["u2", "a2", "t2", "u3", "a3"]],
    [3, ["u1", "a1", "u2", "a2", "t2", "u3", "a3"]],
    [100, ["u1", "a1", "u2", "a2", "t2", "u3", "a3"]],
    [-1, []],
  ])("keeps %i pairs", (window, expected) => {
    expect(contents(trimToWindow(history, window))).toEqual(expected);
  });

  it.each([
    ["an answer whose question was trimmed", [a(0), u(1), a(1)], ["u1", "a1"]],
    ["only answers", [a(0), a(1)], []],
    ["two questions in a row count as two pairs", [u(1), u(2), a(2)], ["u2", "a2"]],
  ])("never leads with %s (window 1)", (_, input, expected) => {
    expect(contents(trimToWindow(input, 1))).toEqual(expected);
  });

  it("does not mutate its input", () => {
    const input = [u(1), a(1), u(2)];
    trimToWindow(input, 1);
    expect(input).toHaveLength(3);
  });
});

describe("injectMemory", () => {
  const sys = { role: "system", content: "be brief" };
  const dev = { role: "developer", content: "json only" };
  const memory = [u(1), a(1)];
  it.each([
    ["after the system prompt", [sys, u(2)], ["be brief", "u1", "a1", "u2"]],
    ["after all leading system/developer messages", [sys, dev, u(2)], ["be brief", "json only", "u1", "a1", "u2"]],
    ["first when there is no system prompt", [u(2)], ["u1", "a1", "u2"]],
    ["before a later system message", [u(2), sys], ["u1", "a1", "u2", "be brief"]],
    ["alone into an empty request", [], ["u1", "a1"]],
  ])("places history %s", (_, request, expected) => {
    expect(contents(injectMemory(request, memory))).toEqual(expected);
  });

  it("returns the request unchanged with no history", () => {
    expect(injectMemory([sys, u(2)], [])).toEqual([sys, u(2)]);
  });
});

describe("toStoredMessages", () => {
  const request = [
    { role: "system", content: "secret prompt" },
    { role: "developer", content: "dev" },
    { role: "user", content: "weather?", name: "ann" },
    { role: "assistant", content: null, tool_calls: [call] },
    { role: "tool", content: "sunny", tool_call_id: "c1" },
  ];
  const answer = { role: "assistant", content: "It is sunny." };

  it("without tool calls keeps the user message and the answer only", () => {
    expect(toStoredMessages(request, answer, { storeToolCalls: false })).toEqual([
      { role: "user", content: "weather?", name: "ann" },
      { role: "assistant", content: "It is sunny." },
    ]);
  });

  it("with tool calls keeps the call and its result in order", () => {
    expect(toStoredMessages(request, answer, { storeToolCalls: true })).toEqual([
      { role: "user", content: "weather?", name: "ann" },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", content: "sunny", tool_call_id: "c1" },
      { role: "assistant", content: "It is sunny." },
    ]);
  });

  it.each([
    [
      "strips tool calls but keeps text",
      { role: "assistant", content: "Let me check", tool_calls: [call] },
      false,
      [{ role: "assistant", content: "Let me check" }],
    ],
    ["drops an answer that was only a tool call", { role: "assistant", content: null, tool_calls: [call] }, false, []],
    [
      "keeps an answer that is only a tool call",
      { role: "assistant", content: null, tool_calls: [call] },
      true,
      [{ role: "assistant", content: null, tool_calls: [call] }],
    ],
    ["drops an empty answer", { role: "assistant", content: "" }, false, []],
  ])("%s", (_, assistant, storeToolCalls, expected) => {
    expect(toStoredMessages([], assistant, { storeToolCalls })).toEqual(expected);
  });

  it("never stores system, developer or function messages", () => {
    const stored = toStoredMessages(
      [
        { role: "system", content: "s" },
        { role: "developer", content: "d" },
        { role: "function", content: "f", name: "x" },
      ],
      null,
      { storeToolCalls: true },
    );
    expect(stored).toEqual([]);
  });

  it("keeps multimodal content parts as they are", () => {
    const parts = [
      { type: "text", text: "what is this?" },
      { type: "image_url", image_url: { url: "https://x/y.png" } },
    ];
    expect(toStoredMessages([{ role: "user", content: parts }], null, { storeToolCalls: false })).toEqual([
      { role: "user", content: parts },
    ]);
  });

  it("stores the answer as an assistant message whatever role it came with", () => {
    expect(toStoredMessages([], { role: "model", content: "hi" }, { storeToolCalls: false })).toEqual([
      { role: "assistant", content: "hi" },
    ]);
  });
});
