import { describe, expect, it } from "vitest";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { PROVIDER_CATALOG } from "../../src/providers/catalog";
import { ChatRequest } from "../../src/providers/openai-schema";
import { adapterFor } from "../../src/providers/registry";
import toolCalls from "../fixtures/providers/openai/completion-tool-calls.json";
import completion from "../fixtures/providers/openai/completion.json";
import error401 from "../fixtures/providers/openai/error-401.json";
import streamError from "../fixtures/providers/openai/stream-error.sse?raw";
import streamToolCalls from "../fixtures/providers/openai/stream-tool-calls.sse?raw";
import { META, finishReasons, streamFixture } from "./fixture-stream";

const openai = adapterFor("openai") as ProviderAdapter;
const family = PROVIDER_CATALOG.filter((row) => row.protocol === "openai");

describe("the OpenAI-compatible family is one adapter over catalog rows", () => {
  it.each(family.map((row) => [row.id, row.baseUrl]))(
    "%s posts to %s/chat/completions with a bearer key",
    (id, baseUrl) => {
      const adapter = adapterFor(id) as ProviderAdapter;
      const { url, init } = adapter.toRequest(ChatRequest.parse({ messages: [{ role: "user", content: "hi" }] }), {
        model: "m",
        apiKey: "k-1",
        baseUrl,
      });
      expect(url).toBe(`${baseUrl}/chat/completions`);
      expect(init.headers.authorization).toBe("Bearer k-1");
    },
  );

  it("sets the provider's model, drops gateway metadata and asks for usage in streams", () => {
    const request = ChatRequest.parse({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      metadata: { a: "b" },
      seed: 3,
      logit_bias: { "50256": -100 },
    });
    const body = JSON.parse(
      openai.toRequest(request, { model: "gpt-4o", apiKey: "k", baseUrl: "https://x/v1" }).init.body ?? "",
    );
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      seed: 3,
      logit_bias: { "50256": -100 },
    });
  });
});

describe("the completion cap reaches the provider in the field that bounds reasoning too", () => {
  const body = (id: string, caps: Record<string, number>) =>
    JSON.parse(
      (adapterFor(id) as ProviderAdapter).toRequest(
        ChatRequest.parse({ messages: [{ role: "user", content: "hi" }], ...caps }),
        { model: "o4-mini", apiKey: "k", baseUrl: "https://x/v1" },
      ).init.body ?? "",
    );

  it.each([
    [{ max_tokens: 300 }, 300],
    [{ max_completion_tokens: 200 }, 200],
    [{ max_tokens: 300, max_completion_tokens: 200 }, 300], // the larger, which admission reserved
  ])("OpenAI gets max_completion_tokens for %o", (caps, cap) => {
    const sent = body("openai", caps);
    expect(sent.max_completion_tokens).toBe(cap);
    expect(sent).not.toHaveProperty("max_tokens");
  });

  it("other family members get the fields as the request had them", () => {
    expect(body("mistral", { max_tokens: 300 })).toMatchObject({ max_tokens: 300 });
    expect(body("mistral", { max_tokens: 300 })).not.toHaveProperty("max_completion_tokens");
  });

  it("charges reasoning tokens: they are part of the completion_tokens OpenAI reports", () => {
    const usage = {
      prompt_tokens: 12,
      completion_tokens: 1_250,
      total_tokens: 1_262,
      completion_tokens_details: { reasoning_tokens: 1_200 },
    };
    expect(openai.usage({ choices: [], usage })).toEqual({ promptTokens: 12, completionTokens: 1_250 });
  });
});

describe("OpenAI-compatible responses", () => {
  it("keeps the reply, refits identifiers and reads usage", () => {
    expect(openai.fromResponse(completion, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
      system_fingerprint: "fp_06737a9306",
    });
    expect(openai.usage(completion)).toEqual({ promptTokens: 19, completionTokens: 10 });
  });

  it("keeps tool calls", () => {
    expect(openai.fromResponse(toolCalls, META).choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { content: null, tool_calls: [{ id: "call_abc123" }] },
    });
  });

  it.each([
    ["eos", "stop"],
    ["length", "length"],
    [null, null],
  ])("reads family finish reason %s as %s", (reason, expected) => {
    const body = { choices: [{ index: 0, message: { content: "x" }, finish_reason: reason }] };
    expect(openai.fromResponse(body, META).choices[0]?.finish_reason).toBe(expected);
  });

  it("returns no usage when the provider sent none", () => {
    expect(openai.usage({ choices: [] })).toBeNull();
  });

  it("reads the message of an error body", () => {
    expect(openai.errorMessage(error401)).toMatch(/^Incorrect API key/);
  });
});

describe("OpenAI-compatible streams", () => {
  it("passes tool call deltas through", async () => {
    const { toolCalls: calls, out } = await streamFixture(openai, streamToolCalls);
    expect(calls).toEqual([
      {
        id: "call_DdmO9pD3xa9XTPNJ32zg2hcA",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"Paris"}' },
      },
    ]);
    expect(finishReasons(out)).toEqual(["tool_calls"]);
  });

  it("ends an in-stream error with an error event after the text so far", async () => {
    const { text, out, outcome } = await streamFixture(openai, streamError);
    expect(text).toBe("Par");
    expect(out.slice(-2)).toEqual([
      {
        error: expect.objectContaining({
          code: "provider_error",
          message: expect.stringContaining("openai reported an error mid-stream"),
        }),
      },
      { done: true },
    ]);
    expect(outcome.status).toBe("failed");
  });
});
