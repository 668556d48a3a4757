import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { DEMO_MODEL } from "../../scripts/lib/dev-banner";
import { useDevProject } from "./support/dev-project";

/**
 * The Anthropic Messages API from the real `@anthropic-ai/sdk`, with NO custom fetch, against the gateway started
 * the way `npm run dev` starts it. The SDK appends `/v1/messages` to its base URL, so the base URL is the
 * project's loopback form without `/v1`, and it sends the end user's JWT as `x-api-key`.
 */
const prompt = "Say hello";
const mockAnswer = `This is a mock reply to: ${prompt}`;

const dev = useDevProject({ userPrefix: "ant" });

const sdk = async () => new Anthropic({ baseURL: dev().rootUrl, apiKey: await dev().freshUserToken(), maxRetries: 0 });
const hello = { model: DEMO_MODEL, max_tokens: 256, messages: [{ role: "user" as const, content: prompt }] };

const tools: Anthropic.Tool[] = [
  {
    name: "lookup",
    description: "Looks a city up",
    input_schema: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
  },
];

describe("messages.create", () => {
  it("answers with a Message: text block, stop reason and usage", async () => {
    const message = await (await sdk()).messages.create({ ...hello, system: "Be brief." });
    expect(message.id).toMatch(/^msg_/);
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.content).toEqual([{ type: "text", text: mockAnswer }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it("works with the JWT as authToken (Authorization: Bearer) too", async () => {
    const bearer = new Anthropic({
      baseURL: dev().rootUrl,
      apiKey: null,
      authToken: await dev().freshUserToken(),
      maxRetries: 0,
    });
    const message = await bearer.messages.create(hello);
    expect(message.content).toEqual([{ type: "text", text: mockAnswer }]);
  });

  it("yields Anthropic's raw stream events with stream: true", async () => {
    const stream = await (await sdk()).messages.create({ ...hello, stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    expect(text).toBe(mockAnswer);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  });
});

describe("messages.stream", () => {
  it("streams text in pieces and resolves finalMessage and finalText", async () => {
    const stream = (await sdk()).messages.stream(hello);
    const pieces: string[] = [];
    stream.on("text", (delta) => pieces.push(delta));
    const final = await stream.finalMessage();
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(mockAnswer);
    expect(final.content).toEqual([{ type: "text", text: mockAnswer }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(await stream.finalText()).toBe(mockAnswer);
  });

  it("streams a tool call, its input assembled from input_json_delta", async () => {
    const final = await (await sdk()).messages
      .stream({ ...hello, model: "mock/tool-call", messages: [{ role: "user", content: "Paris" }], tools })
      .finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content).toEqual([
      { type: "tool_use", id: expect.any(String), name: "lookup", input: { input: "Paris" } },
    ]);
  });

  it("surfaces a provider failure mid-stream as an APIError from the error event", async () => {
    const stream = (await sdk()).messages.stream({
      ...hello,
      model: "mock/fail-break",
      messages: [{ role: "user", content: "a reply long enough to break halfway through it" }],
    });
    const error = await stream.finalMessage().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ error: { type: "error", error: { type: "api_error", code: "provider_error" } } });
  });
});

describe("a tool round trip", () => {
  it("returns tool_use, takes the tool_result back and answers from it", async () => {
    const anthropic = await sdk();
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Paris" }];
    const first = await anthropic.messages.create({ ...hello, model: "mock/tool-call", messages, tools });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((block) => block.type === "tool_use");
    expect(use).toMatchObject({ name: "lookup", input: { input: "Paris" } });
    if (use?.type !== "tool_use") throw new Error("no tool_use block");
    messages.push({ role: "assistant", content: first.content });
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: use.id, content: "2.1 million people" }],
    });
    const second = await anthropic.messages.create({ ...hello, model: "mock/tool-call", messages, tools });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: "Tool said: 2.1 million people" }]);
  });
});

describe("errors, as the SDK's own error classes", () => {
  it("a bad JWT is an AuthenticationError with Anthropic's error type and our code", async () => {
    const bad = new Anthropic({ baseURL: dev().rootUrl, apiKey: "not-a-jwt.at-all.really", maxRetries: 0 });
    const error = await bad.messages.create(hello).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      error: { type: "error", error: { type: "authentication_error", code: "invalid_token" } },
    });
  });

  it("a JWT for another project is a PermissionDeniedError", async () => {
    const other = await dev().client.setupProject();
    const wrong = new Anthropic({ baseURL: dev().rootUrl, apiKey: other.token, maxRetries: 0 });
    const error = await wrong.messages.create(hello).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, error: { error: { type: "permission_error", code: "wrong_project" } } });
  });

  it("an unsupported field is a BadRequestError naming it", async () => {
    const error = await (await sdk()).messages
      .create({ ...hello, thinking: { type: "enabled", budget_tokens: 1024 } })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      error: { error: { type: "invalid_request_error", code: "invalid_request", param: "thinking.type" } },
    });
  });
});
