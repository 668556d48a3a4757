import { createOpenAI } from "@ai-sdk/openai";
import { generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEMO_MODEL } from "../../scripts/lib/dev-banner";
import { useDevProject } from "./support/dev-project";

/**
 * The Responses API from the real clients, with NO custom fetch, against the gateway started the way
 * `npm run dev` starts it: the `openai` SDK's responses.create / responses.stream and the Vercel AI SDK's
 * default provider `openai(model)`, which calls `/v1/responses`.
 */
const prompt = "Say hello";
const mockAnswer = `This is a mock reply to: ${prompt}`;

const dev = useDevProject({ userPrefix: "rsp" });

/** A JWT for a new end user per test, so the per-user requests-per-minute limit never binds. */
const sdk = async () =>
  new OpenAI({
    baseURL: dev().baseURL,
    apiKey: await dev().freshUserToken(),
    maxRetries: 0,
  });

describe("openai responses.create", () => {
  it("answers a string input", async () => {
    const response = await (await sdk()).responses.create({ model: DEMO_MODEL, input: prompt });
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe(mockAnswer);
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
    );
  });

  it("takes an item list with instructions and multi-part content", async () => {
    const response = await (await sdk()).responses.create({
      model: "mock/echo",
      instructions: "Answer in one word.",
      input: [
        { role: "user", content: "first turn" },
        { role: "assistant", content: "noted" },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "second " },
            { type: "input_text", text: "turn" },
          ],
        },
      ],
    });
    expect(response.output_text).toBe("second turn");
    const [item] = response.output;
    expect(item).toMatchObject({ type: "message", role: "assistant", status: "completed" });
  });

  it("round-trips a function tool: the call comes back, its output goes in, the answer uses it", async () => {
    const openai = await sdk();
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: "function",
        name: "lookup_weather",
        description: "Weather for a city",
        parameters: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
        strict: false,
      },
    ];
    const first = await openai.responses.create({ model: "mock/tool-call", input: "Paris", tools });
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ type: "function_call", name: "lookup_weather", status: "completed" });
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(JSON.parse(call.arguments)).toEqual({ input: "Paris" });

    const second = await openai.responses.create({
      model: "mock/tool-call",
      tools,
      input: [
        { role: "user", content: "Paris" },
        call,
        { type: "function_call_output", call_id: call.call_id, output: "sunny, 21 C" },
      ],
    });
    expect(second.output_text).toBe("Tool said: sunny, 21 C");
  });

  it("passes text.format json_schema through and the SDK parses the answer against it", async () => {
    const City = z.object({ city: z.string(), population: z.number() });
    const json = JSON.stringify({ city: "Lyon", population: 522_000 });
    const response = await (await sdk()).responses.parse({
      model: "mock/echo",
      input: json,
      text: { format: zodTextFormat(City, "city") },
    });
    expect(response.output_parsed).toEqual({ city: "Lyon", population: 522_000 });
  });

  it("refuses an unknown model field value in the OpenAI envelope, as an SDK error", async () => {
    const openai = await sdk();
    await expect(openai.responses.create({ model: DEMO_MODEL, input: prompt, background: true })).rejects.toMatchObject(
      { status: 400, code: "invalid_request", param: "background" },
    );
  });
});

describe("openai responses streaming", () => {
  it("responses.stream: events in order, text deltas add up, final response with usage", async () => {
    const stream = (await sdk()).responses.stream({ model: DEMO_MODEL, input: prompt });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(types.slice(0, 5)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
    ]);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(types.filter((type) => type === "response.output_text.delta").length).toBeGreaterThan(1);
    expect(text).toBe(mockAnswer);
    expect(final.output_text).toBe(mockAnswer);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("create({ stream: true }): numbered events, and a streamed tool call with its arguments", async () => {
    const events = await (await sdk()).responses.create({
      model: "mock/tool-call",
      input: "Rome",
      stream: true,
      tools: [{ type: "function", name: "lookup_weather", parameters: { type: "object" }, strict: false }],
    });
    const seen: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen.map((event) => event.sequence_number)).toEqual(seen.map((_, i) => i));
    const args = seen.flatMap((event) =>
      event.type === "response.function_call_arguments.delta" ? [event.delta] : [],
    );
    expect(JSON.parse(args.join(""))).toEqual({ input: "Rome" });
    const done = seen.at(-1);
    if (done?.type !== "response.completed") throw new Error(`last event ${done?.type}`);
    expect(done.response.output).toMatchObject([
      { type: "function_call", name: "lookup_weather", status: "completed" },
    ]);
    expect(done.response.usage?.input_tokens).toBeGreaterThan(0);
  });
});

describe("the Vercel AI SDK default provider openai(model) (Responses API)", () => {
  const model = async () => createOpenAI({ baseURL: dev().baseURL, apiKey: await dev().freshUserToken() })(DEMO_MODEL);

  it("generateText", async () => {
    const result = await generateText({ model: await model(), prompt, maxRetries: 0 });
    expect(result.text).toBe(mockAnswer);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("streamText", async () => {
    const result = streamText({ model: await model(), prompt, maxRetries: 0 });
    let text = "";
    let deltas = 0;
    for await (const delta of result.textStream) {
      text += delta;
      deltas++;
    }
    expect(text).toBe(mockAnswer);
    expect(deltas).toBeGreaterThan(1);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(await result.finishReason).toBe("stop");
  });

  it("generateText with a tool: the SDK runs it and sends its output back in a second Responses call", async () => {
    const executed: unknown[] = [];
    const lookup = tool({
      description: "Weather for a city",
      inputSchema: z.object({ input: z.string() }),
      execute: async (args) => {
        executed.push(args);
        return "sunny";
      },
    });
    const openai = createOpenAI({
      baseURL: dev().baseURL,
      apiKey: await dev().freshUserToken(),
    });
    const result = await generateText({
      model: openai("mock/tool-call"),
      prompt: "Oslo",
      tools: { lookup_weather: lookup },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    expect(executed).toEqual([{ input: "Oslo" }]);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe("Tool said: sunny");
  });
});
