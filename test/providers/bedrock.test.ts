import { describe, expect, it } from "vitest";
import { bedrockAdapter } from "../../src/providers/bedrock";
import { bedrockFetch, eventStreamToSse } from "../../src/providers/bedrock-transport";
import { ChatRequest } from "../../src/providers/openai-schema";
import { streamChatCompletion } from "../../src/streaming";
import error400 from "../fixtures/providers/bedrock/error-400.json";
import { binaryBody, concat, eventFrame, exceptionFrame } from "../fixtures/providers/bedrock/encode";
import response from "../fixtures/providers/bedrock/response.json";
import toolUse from "../fixtures/providers/bedrock/response-tool-use.json";
import streamText from "../fixtures/providers/bedrock/stream-text.json";
import streamToolUse from "../fixtures/providers/bedrock/stream-tool-use.json";
import { parseOutput, readText, textOf } from "../streaming/sse-helpers";
import { assembleToolCalls, finishReasons, META } from "./fixture-stream";

const target = {
  model: "anthropic.claude-3-5-haiku-20241022-v1:0",
  apiKey: "unused",
  baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com",
};
const toRequest = (request: unknown) => bedrockAdapter.toRequest(ChatRequest.parse(request), target);
const bodyOf = (request: unknown) => JSON.parse(toRequest(request).init.body ?? "{}");
const hi = [{ role: "user", content: "hi" }];

describe("bedrock toRequest", () => {
  it.each([
    [
      false,
      "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
    ],
    [
      true,
      "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream",
    ],
  ])("stream=%s calls %s with no credential header (SigV4 is the transport's)", (stream, url) => {
    const request = toRequest({ messages: hi, stream });
    expect(request.url).toBe(url);
    expect(Object.keys(request.init.headers).map((h) => h.toLowerCase())).not.toContain("authorization");
  });

  const fields: Array<[string, object, object]> = [
    [
      "sampling into inferenceConfig",
      { temperature: 0.2, top_p: 0.9, max_tokens: 64, stop: "x" },
      { inferenceConfig: { temperature: 0.2, topP: 0.9, maxTokens: 64, stopSequences: ["x"] } },
    ],
    [
      "max_completion_tokens first",
      { max_tokens: 10, max_completion_tokens: 20 },
      { inferenceConfig: { maxTokens: 20 } },
    ],
    [
      "tools as toolSpec",
      { tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" } } }] },
      {
        toolConfig: {
          tools: [{ toolSpec: { name: "f", description: "d", inputSchema: { json: { type: "object" } } } }],
        },
      },
    ],
    [
      "tool_choice required",
      { tools: [{ type: "function", function: { name: "f" } }], tool_choice: "required" },
      { toolConfig: { toolChoice: { any: {} } } },
    ],
    [
      "named tool",
      {
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "function", function: { name: "f" } },
      },
      { toolConfig: { toolChoice: { tool: { name: "f" } } } },
    ],
  ];
  it.each(fields)("maps %s", (_name, extra, expected) => {
    expect(bodyOf({ messages: hi, ...extra })).toMatchObject(expected);
  });

  it("leaves the tools out for tool_choice none (Converse has no 'none')", () => {
    expect(
      bodyOf({ messages: hi, tools: [{ type: "function", function: { name: "f" } }], tool_choice: "none" }).toolConfig,
    ).toBeUndefined();
  });

  it("uses system blocks, toolUse/toolResult blocks, merged alternating turns, and inline images", () => {
    const body = bodyOf({
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0K" } },
          ],
        },
        {
          role: "assistant",
          content: "Let me look.",
          tool_calls: [
            { id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_9", content: "18°C" },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(body.system).toEqual([{ text: "Be brief." }]);
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [{ text: "What is this?" }, { image: { format: "png", source: { bytes: "iVBORw0K" } } }],
      },
      {
        role: "assistant",
        content: [
          { text: "Let me look." },
          { toolUse: { toolUseId: "call_9", name: "get_weather", input: { location: "Paris" } } },
        ],
      },
      {
        role: "user",
        content: [{ toolResult: { toolUseId: "call_9", content: [{ text: "18°C" }] } }, { text: "Thanks" }],
      },
    ]);
  });
});

describe("bedrock responses", () => {
  it("translates a text answer with usage", () => {
    expect(bedrockAdapter.fromResponse(response, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
    });
    expect(bedrockAdapter.usage(response)).toEqual({ promptTokens: 12, completionTokens: 10 });
  });

  it("translates toolUse blocks into tool_calls", () => {
    const choice = bedrockAdapter.fromResponse(toolUse, META).choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message).toEqual({
      role: "assistant",
      content: "Let me check.",
      tool_calls: [
        {
          id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
          type: "function",
          function: { name: "get_weather", arguments: '{"location":"Paris"}' },
        },
      ],
    });
  });

  it.each([
    ["max_tokens", "length"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
    ["stop_sequence", "stop"],
  ])("maps stopReason %s to %s", (stopReason, finish) => {
    expect(bedrockAdapter.fromResponse({ ...response, stopReason }, META).choices[0]?.finish_reason).toBe(finish);
  });

  it("refuses a body that is not a Converse response, and reads error messages", () => {
    expect(() => bedrockAdapter.fromResponse({ completion: "x" }, META)).toThrow(/unexpected shape/);
    expect(bedrockAdapter.errorMessage(error400)).toMatch(/Malformed input request/);
    expect(bedrockAdapter.errorMessage({ Message: "Capitalised" })).toBe("Capitalised");
  });
});

/** Binary frames → transport's SSE re-framing → the real streaming pipeline → what a client sees. */
async function streamFrames(frames: Uint8Array[], cuts: number[] = []) {
  const { body, outcome } = streamChatCompletion({
    upstream: binaryBody(concat(frames), cuts).pipeThrough(eventStreamToSse()),
    adapter: bedrockAdapter,
    providerLabel: "AWS Bedrock",
    meta: META,
    includeUsage: true,
    promptTokensEstimate: 0,
  });
  const out = parseOutput(await readText(body));
  return { out, outcome: await outcome };
}
const framesOf = (events: unknown[]) =>
  (events as Array<[string, unknown]>).map(([type, payload]) => eventFrame(type, payload));

describe("bedrock ConverseStream", () => {
  const text = framesOf(streamText);
  const total = concat(text).length;

  it.each([
    ["one read", []],
    [
      "reads split inside preludes, headers, payloads and multi-byte characters",
      [1, 7, 13, 50, 111, 140, 200, total - 3],
    ],
    ["one read per 5 bytes", Array.from({ length: Math.floor(total / 5) }, (_, i) => (i + 1) * 5)],
  ])("streams text with usage from the metadata event: %s", async (_name, cuts) => {
    const { out, outcome } = await streamFrames(text, cuts);
    expect(textOf(out)).toBe("Héllo wörld 👋");
    expect(finishReasons(out)).toEqual(["stop"]);
    expect(out.at(-1)).toEqual({ done: true });
    expect(outcome).toMatchObject({
      status: "completed",
      usage: { promptTokens: 9, completionTokens: 6, source: "provider" },
    });
  });

  it("streams a tool call as id/name then argument deltas", async () => {
    const { out } = await streamFrames(framesOf(streamToolUse));
    expect(textOf(out)).toBe("Checking.");
    expect(assembleToolCalls(out)).toEqual([
      { id: "tooluse_abc123", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
    ]);
    expect(finishReasons(out)).toEqual(["tool_calls"]);
  });

  it("reports a mid-stream exception without the provider's text, and settles as failed", async () => {
    const { out, outcome } = await streamFrames([
      ...text.slice(0, 2),
      exceptionFrame("modelStreamErrorException", "Model stream broke"),
    ]);
    expect(out.find((o) => "error" in o)).toMatchObject({
      error: { message: "AWS Bedrock reported an error mid-stream." },
    });
    expect(JSON.stringify(out)).not.toContain("Model stream broke");
    expect(outcome.status).toBe("failed");
  });

  it("fails the stream on a corrupt frame instead of passing garbage on", async () => {
    const broken = text[1]!.slice();
    broken[broken.length - 6]! ^= 0x20;
    const { out, outcome } = await streamFrames([text[0]!, broken, ...text.slice(2)]);
    expect(textOf(out)).toBe("");
    expect(out.find((o) => "error" in o)).toMatchObject({ error: { message: expect.stringMatching(/malformed/) } });
    expect(outcome.status).toBe("failed");
  });

  it("completes on messageStop when the connection closes before metadata", async () => {
    const { out, outcome } = await streamFrames(text.slice(0, 5));
    expect(textOf(out)).toBe("Héllo wörld 👋");
    expect(outcome.status).toBe("completed");
  });
});

describe("bedrockFetch", () => {
  const credential = {
    access_key_id: "AKIAIOSFODNN7EXAMPLE",
    secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    region: "eu-west-1",
  };
  function recorder(response: Response = Response.json(response_ok)) {
    const seen: Request[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push(new Request(input, init));
      return response;
    };
    return { seen, fake };
  }
  const response_ok = { ok: true };
  const { url, init } = toRequest({ messages: hi });

  it("signs with SigV4 for service bedrock in the key's region", async () => {
    const { seen, fake } = recorder();
    await bedrockFetch(credential, fake)(url, init);
    const auth = seen[0]?.headers.get("authorization") ?? "";
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=(?:[a-z-]+;)*host;(?:[a-z-]+;)*x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(seen[0]?.headers.get("x-amz-date")).toMatch(/^\d{8}T\d{6}Z$/);
    expect(seen[0]?.headers.get("x-amz-security-token")).toBeNull();
    expect(auth).not.toContain(credential.secret_access_key);
    expect(await seen[0]?.text()).toBe(init.body);
  });

  it("sends the session token of temporary credentials", async () => {
    const { seen, fake } = recorder();
    await bedrockFetch({ ...credential, session_token: "FwoGZXIvYXdzEXAMPLE" }, fake)(url, init);
    expect(seen[0]?.headers.get("x-amz-security-token")).toBe("FwoGZXIvYXdzEXAMPLE");
  });

  it("signs differently for a different secret (the signature covers the key)", async () => {
    const a = recorder();
    const b = recorder();
    await bedrockFetch(credential, a.fake)(url, init);
    await bedrockFetch({ ...credential, secret_access_key: "another-secret-key-0123456789" }, b.fake)(url, init);
    const sig = (r: Request[]) => /Signature=([0-9a-f]+)/.exec(r[0]?.headers.get("authorization") ?? "")?.[1];
    expect(sig(a.seen)).not.toBe(sig(b.seen));
  });

  it("re-frames an event-stream answer as SSE and leaves JSON answers alone", async () => {
    const binary = new Response(binaryBody(concat(framesOf(streamText))), {
      headers: { "content-type": "application/vnd.amazon.eventstream" },
    });
    const streamed = await bedrockFetch(credential, recorder(binary).fake)(url, init);
    expect(streamed.headers.get("content-type")).toBe("text/event-stream");
    expect(await streamed.text()).toMatch(/^event: messageStart\ndata: /);
    const json = await bedrockFetch(credential, recorder().fake)(url, init);
    expect(await json.json()).toEqual({ ok: true });
  });
});
