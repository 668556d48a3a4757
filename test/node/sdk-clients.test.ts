import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ChatOpenAI } from "@langchain/openai";
import { generateText, type LanguageModel, streamText } from "ai";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_MODEL, SDK_EXAMPLES } from "../../scripts/lib/dev-banner";
import { useDevProject } from "./support/dev-project";

/**
 * The SDKs a newcomer reaches for, from Node, with NO custom fetch, against the gateway started the way
 * `npm run dev` starts it (dev path routing on): each points at the loopback base URL `npm run dev` prints.
 */
const REPO = resolve(import.meta.dirname, "../..");
const ALLOWED_ORIGIN = "http://localhost:5173";
const prompt = "Say hello";
const mockAnswer = `This is a mock reply to: ${prompt}`;

const dev = useDevProject({ userPrefix: "sdk", settings: { cors_origins: [ALLOWED_ORIGIN] } });

describe("openai", () => {
  let token: string;
  beforeAll(async () => {
    token = await dev().freshUserToken();
  });
  const sdk = () => new OpenAI({ baseURL: dev().baseURL, apiKey: token, maxRetries: 0 });

  it("completes a chat call", async () => {
    const completion = await sdk().chat.completions.create({
      model: DEMO_MODEL,
      messages: [{ role: "user", content: prompt }],
    });
    expect(completion.choices[0]?.message.content).toBe(mockAnswer);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streams a chat call, usage chunk included", async () => {
    const stream = await sdk().chat.completions.create({
      model: DEMO_MODEL,
      messages: [{ role: "user", content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe(mockAnswer);
    expect(usageChunks).toBe(1);
  });

  it("lists the project's models", async () => {
    const ids: string[] = [];
    for await (const model of sdk().models.list()) ids.push(model.id);
    expect(ids).toContain(DEMO_MODEL);
  });

  it("is refused, as an SDK error, with a JWT for another project", async () => {
    const other = await dev().client.setupProject();
    const wrongKey = new OpenAI({ baseURL: dev().baseURL, apiKey: other.token, maxRetries: 0 });
    await expect(
      wrongKey.chat.completions.create({ model: DEMO_MODEL, messages: [{ role: "user", content: prompt }] }),
    ).rejects.toMatchObject({ status: 403, code: "wrong_project" });
  });

  it("gets 404 project_not_found for a slug no project has", async () => {
    const nowhere = new OpenAI({
      baseURL: `${dev().gateway.apiUrl}/p/nobody-here-000/v1`,
      apiKey: dev().setup.token,
      maxRetries: 0,
    });
    await expect(nowhere.models.list()).rejects.toMatchObject({ status: 404, code: "project_not_found" });
  });
});

describe("the Vercel AI SDK", () => {
  let token: string;
  beforeAll(async () => {
    token = await dev().freshUserToken();
  });
  const providers: [string, () => LanguageModel][] = [
    ["@ai-sdk/openai .chat(model)", () => createOpenAI({ baseURL: dev().baseURL, apiKey: token }).chat(DEMO_MODEL)],
    [
      "@ai-sdk/openai-compatible",
      () =>
        createOpenAICompatible({ name: "tollgate", baseURL: dev().baseURL, apiKey: token, includeUsage: true })(
          DEMO_MODEL,
        ),
    ],
  ];

  it.each(providers)("generateText through %s", async (_, model) => {
    const result = await generateText({ model: model(), prompt, maxRetries: 0 });
    expect(result.text).toBe(mockAnswer);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it.each(providers)("streamText through %s", async (_, model) => {
    const result = streamText({ model: model(), prompt, maxRetries: 0 });
    let text = "";
    let deltas = 0;
    for await (const delta of result.textStream) {
      text += delta;
      deltas++;
    }
    expect(text).toBe(mockAnswer);
    expect(deltas).toBeGreaterThan(1);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});

describe("@langchain/openai ChatOpenAI", () => {
  let token: string;
  beforeAll(async () => {
    token = await dev().freshUserToken();
  });
  const chat = () =>
    new ChatOpenAI({ model: DEMO_MODEL, apiKey: token, configuration: { baseURL: dev().baseURL }, maxRetries: 0 });

  it("invokes", async () => {
    const reply = await chat().invoke(prompt);
    expect(reply.content).toBe(mockAnswer);
  });

  it("streams", async () => {
    let text = "";
    let chunks = 0;
    for await (const chunk of await chat().stream(prompt)) {
      text += typeof chunk.content === "string" ? chunk.content : "";
      chunks++;
    }
    expect(text).toBe(mockAnswer);
    expect(chunks).toBeGreaterThan(1);
  });
});

describe("the examples `npm run dev` prints", () => {
  const run = promisify(execFile);

  it.each(Object.entries(SDK_EXAMPLES))(
    "%s runs as printed, with only the two exported variables",
    async (_, lines) => {
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", lines.join("\n")], {
        cwd: REPO, // bare imports resolve from here, as from a newcomer's project with the packages installed
        env: { PATH: process.env.PATH, OPENAI_BASE_URL: dev().baseURL, OPENAI_API_KEY: await dev().freshUserToken() },
        timeout: 30_000,
      });
      expect(lines).toHaveLength(5);
      expect(stdout.trim()).toBe("This is a mock reply to: Hello!");
    },
  );
});

describe("the loopback form is the project hostname by another name", () => {
  const preflight = (url: string, origin: string) =>
    dev().client.call("OPTIONS", url, {
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
      },
    });

  it.each([
    ["an allowed origin", ALLOWED_ORIGIN],
    ["another origin", "https://evil.example"],
  ])("answers a preflight from %s exactly as the Host form does", async (_, origin) => {
    const loopback = await preflight(`${dev().baseURL}/chat/completions`, origin);
    const hosted = await preflight(dev().gateway.projectUrl(dev().setup.project.slug, "/v1/chat/completions"), origin);
    expect(loopback.status).toBe(hosted.status);
    for (const header of [
      "Access-Control-Allow-Origin",
      "Access-Control-Allow-Methods",
      "Access-Control-Allow-Headers",
    ])
      expect(loopback.headers.get(header), header).toBe(hosted.headers.get(header));
    expect(loopback.headers.get("Access-Control-Allow-Origin")).toBe(origin === ALLOWED_ORIGIN ? origin : null);
  });

  it("refuses a call from a disallowed origin with the same error as the Host form", async () => {
    const body = { model: DEMO_MODEL, messages: [{ role: "user", content: prompt }] };
    const headers = { Origin: "https://evil.example" };
    const loopback = await dev().client.call("POST", `${dev().baseURL}/chat/completions`, {
      token: dev().setup.token,
      body,
      headers,
    });
    const hosted = await dev().client.chat(dev().setup, body, headers);
    expect(hosted.status).toBeGreaterThanOrEqual(400);
    expect([loopback.status, loopback.json?.error?.code]).toEqual([hosted.status, hosted.json?.error?.code]);
  });

  it("still serves the control plane on the API host beside it", async () => {
    const res = await dev().client.call("GET", `${dev().gateway.apiUrl}/healthz`);
    expect(res.status).toBe(200);
  });
});
