import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, projectUrl, setupProject } from "../support/control-plane";

const chatUrl = (slug: string) => projectUrl(slug, "/v1/chat/completions");
const hello = { model: "mock/tollgate-mock", messages: [{ role: "user", content: "Hello there" }] };

describe("POST /v1/chat/completions", () => {
  it("answers an OpenAI-format completion with usage and the rate-limit headers", async () => {
    const { project, token } = await setupProject();
    const res = await call("POST", chatUrl(project.slug), { token, body: hello });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      object: "chat.completion",
      model: "mock/tollgate-mock",
      choices: [
        {
          index: 0,
          finish_reason: "stop",
          message: { role: "assistant", content: "This is a mock reply to: Hello there" },
        },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    expect(res.headers.get("X-RateLimit-Limit")).toBe("6"); // user RPM = 0.1 × 60
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("5");
    expect(Number(res.headers.get("X-RateLimit-Reset"))).toBeGreaterThan(Date.now() / 1000 - 1);
    expect(res.headers.get("X-Request-Id")).toMatch(/^req_/);
    expect(res.headers.get("X-Tollgate-Budget-Remaining-Tokens")).toMatch(/^\d+$/);
  });

  it("streams chat.completion.chunk events ending in [DONE], with usage when asked", async () => {
    const { project, token } = await setupProject();
    const res = await SELF.fetch(chatUrl(project.slug), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...hello, stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const events = (await res.text())
      .split("\n\n")
      .filter(Boolean)
      .map((line) => line.replace(/^data: /, ""));
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe("This is a mock reply to: Hello there");
    expect(chunks.at(-1).usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    });
  });

  it("refuses bad bodies with 400 invalid_request naming the param", async () => {
    const { project, token } = await setupProject();
    const cases: [unknown, string | null][] = [
      ["{oops", null],
      [{ messages: [] }, "messages"],
      [{ messages: [{ role: "user", content: 5 }] }, "messages.0.content"],
      [{ ...hello, temperature: 3 }, "temperature"],
    ];
    for (const [body, param] of cases) {
      const res = await call("POST", chatUrl(project.slug), { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatchObject({ code: "invalid_request", param });
    }
  });

  it("refuses a model outside the allowlist with 403 model_not_allowed", async () => {
    const { project, token } = await setupProject({ settings: { model_allowlist: ["mock/tollgate-mock"] } });
    const res = await call("POST", chatUrl(project.slug), { token, body: { ...hello, model: "mock/echo" } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("model_not_allowed");
    const ok = await call("POST", chatUrl(project.slug), { token, body: { ...hello, model: "default" } });
    expect(ok.status).toBe(200);
  });

  it("injects the project's system prompt first", async () => {
    const { project, token } = await setupProject({ settings: { system_prompt: "You are terse." } });
    const res = await call("POST", chatUrl(project.slug), { token, body: { ...hello, model: "mock/echo" } });
    expect(res.json.choices[0].message.content).toBe("Hello there");
  });

  it("maps an upstream 500 to 502 provider_error naming the provider, and a timeout-free failure never hangs", async () => {
    const { project, token } = await setupProject();
    const res = await call("POST", chatUrl(project.slug), { token, body: { ...hello, model: "mock/fail-500" } });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe("provider_error");
    expect(res.json.error.message).toMatch(/mock/i);
  });
});
