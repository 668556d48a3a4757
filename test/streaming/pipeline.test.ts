import { describe, expect, it } from "vitest";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { anthropicAdapter } from "../../src/providers/anthropic";
import { adapterFor } from "../../src/providers/registry";
import { streamChatCompletion } from "../../src/streaming";
import anthropicStream from "../fixtures/providers/anthropic/stream.sse?raw";
import openaiStream from "../fixtures/providers/openai/stream.sse?raw";
import { bodyFrom, brokenBody, parseOutput, readText, textOf } from "./sse-helpers";

const openai = adapterFor("openai") as ProviderAdapter;
const meta = { id: "chatcmpl-gw", created: 1700000000, model: "gpt-4o-mini" };

function run(
  upstream: ReadableStream<Uint8Array>,
  adapter = openai,
  extra: { includeUsage?: boolean; idleTimeoutMs?: number } = {},
) {
  return streamChatCompletion({
    upstream,
    adapter,
    providerLabel: "TestProvider",
    meta,
    includeUsage: extra.includeUsage ?? false,
    promptTokensEstimate: 42,
    ...(extra.idleTimeoutMs ? { idleTimeoutMs: extra.idleTimeoutMs } : {}),
  });
}

describe("streamChatCompletion", () => {
  it("re-frames an OpenAI stream, rewriting ids, and ends with [DONE]", async () => {
    const { body, outcome } = run(bodyFrom(openaiStream));
    const out = parseOutput(await readText(body));
    expect(textOf(out)).toBe("Héllo wörld 👋");
    expect(out.at(-1)).toEqual({ done: true });
    for (const o of out)
      if ("chunk" in o)
        expect(o.chunk).toMatchObject({ id: "chatcmpl-gw", model: "gpt-4o-mini", object: "chat.completion.chunk" });
    expect(await outcome).toEqual({
      status: "completed",
      finishReason: "stop",
      usage: { promptTokens: 9, completionTokens: 4, source: "provider" },
    });
  });

  it("gives the same output wherever the upstream bytes are cut (every byte position, inside é and 👋 too)", async () => {
    const expected = await readText(run(bodyFrom(openaiStream)).body);
    const length = new TextEncoder().encode(openaiStream).length;
    for (let cut = 1; cut < length; cut++) {
      const { body } = run(bodyFrom(openaiStream, [cut]));
      expect(await readText(body), `cut at byte ${cut}`).toBe(expected);
    }
  }, 60_000);

  it("survives an anthropic stream delivered one byte at a time", async () => {
    const length = new TextEncoder().encode(anthropicStream).length;
    const cuts = Array.from({ length }, (_, i) => i + 1);
    const { body, outcome } = run(bodyFrom(anthropicStream, cuts), anthropicAdapter);
    expect(textOf(parseOutput(await readText(body)))).toBe("Héllo wörld 👋");
    expect((await outcome).usage).toEqual({ promptTokens: 25, completionTokens: 15, source: "provider" });
  });

  it("emits one usage chunk at the end when the client asked for include_usage", async () => {
    const out = parseOutput(await readText(run(bodyFrom(openaiStream), openai, { includeUsage: true }).body));
    const usageChunks = out.filter((o) => "chunk" in o && o.chunk.usage);
    expect(usageChunks).toHaveLength(1);
    expect(out.at(-2)).toEqual({
      chunk: expect.objectContaining({
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      }),
    });
  });

  it("hides the upstream usage chunk when the client did not ask for it", async () => {
    const out = parseOutput(await readText(run(bodyFrom(openaiStream)).body));
    expect(out.some((o) => "chunk" in o && o.chunk.choices.length === 0)).toBe(false);
  });

  const failures: Array<[string, string, RegExp]> = [
    [
      "data that is not JSON",
      'data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\ndata: {not json\n\n',
      /malformed/,
    ],
    ["a body that is not SSE at all", "<html>502 Bad Gateway</html>\n", /malformed/],
    [
      "an end before any finish",
      'data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n',
      /ended the stream before/,
    ],
    [
      "a provider error event",
      'data: {"error":{"message":"server overloaded"}}\n\n',
      /^TestProvider reported an error mid-stream\.$/,
    ],
  ];
  it.each(failures)("ends %s with an error event and [DONE]", async (_name, upstream, message) => {
    const { body, outcome } = run(bodyFrom(upstream));
    const out = parseOutput(await readText(body));
    expect(out.at(-1)).toEqual({ done: true });
    const error = out.at(-2);
    expect(error && "error" in error ? error.error : null).toMatchObject({
      code: "provider_error",
      message: expect.stringMatching(message),
    });
    expect(error && "error" in error ? error.error.message : "").toContain("TestProvider");
    expect((await outcome).status).toBe("failed");
  });

  it("ends a broken connection with an error event, and bills the text it had produced", async () => {
    const partial = 'data: {"choices":[{"index":0,"delta":{"content":"Hello there"},"finish_reason":null}]}\n\n';
    const { body, outcome } = run(brokenBody(partial));
    const out = parseOutput(await readText(body));
    expect(textOf(out)).toBe("Hello there");
    expect(out.slice(-2)).toEqual([
      { error: expect.objectContaining({ message: "TestProvider connection broke mid-stream." }) },
      { done: true },
    ]);
    expect(await outcome).toMatchObject({
      status: "failed",
      usage: { promptTokens: 42, completionTokens: 2, source: "estimated" },
    });
  });

  it("fails a stalled upstream instead of hanging", async () => {
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const out = parseOutput(await readText(run(stalled, openai, { idleTimeoutMs: 20 }).body));
    expect(out.slice(-2)).toEqual([
      { error: expect.objectContaining({ message: "TestProvider stopped sending data." }) },
      { done: true },
    ]);
  });

  it("propagates a client cancel to the upstream body and reports it", async () => {
    let upstreamCancelled: unknown = null;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          new TextEncoder().encode(
            'data: {"choices":[{"index":0,"delta":{"content":"partial answer"},"finish_reason":null}]}\n\n',
          ),
        );
      },
      cancel(reason) {
        upstreamCancelled = reason ?? "cancelled";
      },
    });
    const { body, outcome } = run(upstream);
    const reader = body.getReader();
    await reader.read();
    await reader.cancel("client went away");
    expect(upstreamCancelled).not.toBeNull();
    expect(await outcome).toMatchObject({ status: "cancelled", usage: { completionTokens: 4, source: "estimated" } });
  });
});
