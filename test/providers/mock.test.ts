import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors";
import { callProvider } from "../../src/providers/call";
import { readCompletion } from "../../src/providers/complete";
import { createMockFetch, mockCompletion, type MockOptions } from "../../src/providers/mock";
import { ChatRequest } from "../../src/providers/openai-schema";
import { fetchFor, resolveModel } from "../../src/providers/registry";
import { streamChatCompletion } from "../../src/streaming";
import { parseOutput, readText, textOf } from "../streaming/sse-helpers";

const META = { id: "chatcmpl-gw", created: 1, model: "mock" };
const ask = (text: string, extra: object = {}) =>
  ChatRequest.parse({
    messages: [
      { role: "system", content: "sys" },
      { role: "user", content: text },
    ],
    ...extra,
  });

/** Calls the mock exactly as the route calls any provider: resolve, callProvider, then read or stream. */
async function callMock(ref: string, request: ChatRequest, mock: MockOptions = {}, signal?: AbortSignal) {
  const resolved = resolveModel(ref);
  if (!resolved) throw new Error("unresolved");
  return callProvider({
    adapter: resolved.adapter,
    providerLabel: resolved.provider.label,
    model: resolved.model,
    apiKey: "unused",
    baseUrl: resolved.provider.baseUrl,
    fetch: fetchFor(resolved.provider, mock),
    request,
    timeoutMs: 200,
    ...(signal ? { signal } : {}),
  });
}

describe("mock replies", () => {
  it.each([
    ["mock/tollgate-mock", "This is a mock reply to: hello there"],
    ["mock/fixed", "This is a mock reply to: hello there"],
    ["mock/echo", "hello there"],
  ])("%s answers %j", async (ref, reply) => {
    const { completion, usage } = await readCompletion(await callMock(ref, ask("hello there")), META, 0);
    expect(completion.choices[0]?.message.content).toBe(reply);
    expect(usage.source).toBe("provider");
  });

  it("takes reply text and token counts from options", async () => {
    const { completion } = await readCompletion(
      await callMock("mock/echo", ask("x"), { reply: "fixed!", promptTokens: 11, completionTokens: 22 }),
      META,
      0,
    );
    expect(completion).toMatchObject({
      choices: [{ message: { content: "fixed!" } }],
      usage: { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 },
    });
  });

  it("is deterministic", () => {
    expect(mockCompletion(ask("same"), "tollgate-mock")).toEqual(mockCompletion(ask("same"), "tollgate-mock"));
  });

  it("omits usage on request, and the gateway then counts it", async () => {
    const { usage } = await readCompletion(
      await callMock("mock/echo", ask("four words right here"), { omitUsage: true }),
      META,
      9,
    );
    expect(usage).toEqual({ promptTokens: 9, completionTokens: 4, source: "estimated" });
  });
});

describe("mock streams", () => {
  it("streams the reply in chunkSize pieces with usage, ending in [DONE]", async () => {
    const cancels: unknown[] = [];
    const call = await callMock("mock/echo", ask("abcdefghij", { stream: true }), {
      chunkSize: 3,
      onCancel: (r) => cancels.push(r),
    });
    const { body, outcome } = streamChatCompletion({
      upstream: call.response.body as ReadableStream<Uint8Array>,
      adapter: call.target.adapter,
      providerLabel: "Mock",
      meta: META,
      includeUsage: false,
      promptTokensEstimate: 0,
    });
    const out = parseOutput(await readText(body));
    expect(out.flatMap((o) => ("chunk" in o ? [o.chunk.choices[0]?.delta.content ?? ""] : [])).filter(Boolean)).toEqual(
      ["abc", "def", "ghi", "j"],
    );
    expect(textOf(out)).toBe("abcdefghij");
    expect(await outcome).toMatchObject({ status: "completed", usage: { source: "provider" } });
    expect(cancels).toEqual([]); // a finished stream is not a cancelled one
  });

  it("reports a client cancel through onCancel (the upstream body was cancelled)", async () => {
    const cancels: unknown[] = [];
    const call = await callMock("mock/echo", ask("a long reply to cut short", { stream: true }), {
      chunkSize: 2,
      onCancel: (r) => cancels.push(r),
    });
    const { body, outcome } = streamChatCompletion({
      upstream: call.response.body as ReadableStream<Uint8Array>,
      adapter: call.target.adapter,
      providerLabel: "Mock",
      meta: META,
      includeUsage: false,
      promptTokensEstimate: 5,
    });
    const reader = body.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel("client disconnected");
    expect(cancels).toHaveLength(1);
    expect((await outcome).status).toBe("cancelled");
  });

  it("reports an abort of the request signal through onCancel", async () => {
    const cancels: unknown[] = [];
    const client = new AbortController();
    const call = await callMock(
      "mock/echo",
      ask("hello", { stream: true }),
      { onCancel: (r) => cancels.push(r) },
      client.signal,
    );
    client.abort(new Error("gone"));
    expect(cancels).toHaveLength(1);
    await call.response.body?.cancel().catch(() => {});
  });

  it.each([
    ["mock/fail-malformed", /malformed event stream/],
    ["mock/fail-break", /connection broke mid-stream/],
  ])("%s ends with an error event and [DONE]", async (ref, message) => {
    const call = await callMock(ref, ask("hello world, this is long enough to break", { stream: true }), {
      chunkSize: 4,
    });
    const { body } = streamChatCompletion({
      upstream: call.response.body as ReadableStream<Uint8Array>,
      adapter: call.target.adapter,
      providerLabel: "Mock",
      meta: META,
      includeUsage: false,
      promptTokensEstimate: 0,
    });
    const out = parseOutput(await readText(body));
    expect(out.slice(-2)).toEqual([
      { error: expect.objectContaining({ message: expect.stringMatching(message) }) },
      { done: true },
    ]);
  });
});

describe("mock failures", () => {
  it.each([
    ["mock/fail-500", 502, "provider_error"],
    ["mock/fail-429", 429, "provider_rate_limited"],
    ["mock/fail-401", 502, "provider_error"],
    ["mock/fail-timeout", 504, "provider_timeout"],
  ])("%s → %i %s", async (ref, status, code) => {
    const error = await callMock(ref, ask("x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect({ status: (error as GatewayError).status, code: (error as GatewayError).code }).toEqual({ status, code });
  });

  it("an options failWith overrides the model preset", async () => {
    const error = await callMock("mock/echo", ask("x"), { failWith: 503 }).catch((e: unknown) => e);
    expect((error as GatewayError).message).toBe("Mock (no network) returned HTTP 503.");
  });

  it("answers /models for key checks, rejecting the key `mock-invalid`", async () => {
    const fetch = createMockFetch();
    const check = (key: string) =>
      fetch("https://mock.tollgate.invalid/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect([(await check("anything")).status, (await check("mock-invalid")).status]).toEqual([200, 401]);
  });
});
