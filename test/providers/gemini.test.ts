import { describe, expect, it } from "vitest";
import { geminiAdapter } from "../../src/providers/gemini";
import { ChatRequest } from "../../src/providers/openai-schema";
import error400 from "../fixtures/providers/google/error-400.json";
import functionCall from "../fixtures/providers/google/response-function-call.json";
import response from "../fixtures/providers/google/response.json";
import stream from "../fixtures/providers/google/stream.sse?raw";
import { META, finishReasons, streamFixture } from "./fixture-stream";

const target = { model: "gemini-2.0-flash", apiKey: "AIza-test", baseUrl: "https://gemini.test" };
const toRequest = (request: unknown) => geminiAdapter.toRequest(ChatRequest.parse(request), target);
const bodyOf = (request: unknown) => JSON.parse(toRequest(request).init.body ?? "{}");
const hi = [{ role: "user", content: "hi" }];

describe("gemini toRequest", () => {
  it.each([
    [false, "https://gemini.test/v1beta/models/gemini-2.0-flash:generateContent"],
    [true, "https://gemini.test/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"],
  ])("stream=%s calls %s with the x-goog-api-key header", (stream, url) => {
    const request = toRequest({ messages: hi, stream });
    expect(request.url).toBe(url);
    expect(request.init.headers["x-goog-api-key"]).toBe("AIza-test");
  });

  const fields: Array<[string, object, object]> = [
    [
      "sampling into generationConfig",
      { temperature: 0.2, top_p: 0.9, max_tokens: 64, stop: ["x"], n: 2, seed: 7 },
      {
        generationConfig: {
          temperature: 0.2,
          topP: 0.9,
          maxOutputTokens: 64,
          stopSequences: ["x"],
          candidateCount: 2,
          seed: 7,
        },
      },
    ],
    [
      "json mode",
      { response_format: { type: "json_object" } },
      { generationConfig: { responseMimeType: "application/json" } },
    ],
    ["tool_choice required", { tool_choice: "required" }, { toolConfig: { functionCallingConfig: { mode: "ANY" } } }],
    [
      "named tool",
      { tool_choice: { type: "function", function: { name: "f" } } },
      { toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] } } },
    ],
    [
      "tools",
      { tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] },
      { tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "object" } }] }] },
    ],
  ];
  it.each(fields)("maps %s", (_name, extra, expected) => {
    expect(bodyOf({ messages: hi, ...extra })).toMatchObject(expected);
  });

  it("uses systemInstruction, role model, and names function responses after their call", () => {
    const body = bodyOf({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          tool_calls: [
            { id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_9", content: "18°C" },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { location: "Paris" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { content: "18°C" } } }] },
    ]);
  });
});

describe("gemini responses", () => {
  it("translates a text candidate with usageMetadata", () => {
    expect(geminiAdapter.fromResponse(response, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 8, completion_tokens: 9, total_tokens: 17 },
    });
  });

  it("translates a functionCall, billing thinking tokens as completion", () => {
    const completion = geminiAdapter.fromResponse(functionCall, META);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
    ]);
    expect(geminiAdapter.usage(functionCall)).toEqual({ promptTokens: 40, completionTokens: 16 });
  });

  it("answers a blocked prompt with one content_filter choice", () => {
    const blocked = geminiAdapter.fromResponse({ promptFeedback: { blockReason: "SAFETY" } }, META);
    expect(blocked.choices).toEqual([
      { index: 0, message: { role: "assistant", content: "" }, finish_reason: "content_filter" },
    ]);
  });

  it("reads the message of an error body", () => {
    expect(geminiAdapter.errorMessage(error400)).toMatch(/Invalid JSON payload/);
  });
});

describe("gemini streams", () => {
  it("streams text; the last usageMetadata is the total", async () => {
    const { text, out, outcome } = await streamFixture(geminiAdapter, stream);
    expect(text).toBe("Héllo wörld 👋");
    expect(finishReasons(out)).toEqual(["stop"]);
    expect(outcome).toEqual({
      status: "completed",
      finishReason: "stop",
      usage: { promptTokens: 8, completionTokens: 5, source: "provider" },
    });
  });

  it("streams a function call whole, as one tool_call delta", async () => {
    const { toolCalls, outcome } = await streamFixture(geminiAdapter, `data: ${JSON.stringify(functionCall)}\n\n`);
    expect(toolCalls).toEqual([
      { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
    ]);
    expect(outcome.finishReason).toBe("tool_calls");
  });

  it("turns an error event into an error event naming the provider", async () => {
    const { out } = await streamFixture(geminiAdapter, `data: ${JSON.stringify(error400)}\n\n`);
    expect(out.at(-2)).toEqual({
      error: expect.objectContaining({ message: expect.stringContaining("google reported an error mid-stream") }),
    });
  });
});
