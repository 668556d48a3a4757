import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import { type ErrorReply, projectUrl, setupProject } from "../support/control-plane";

// A Redis that refuses connections (test/setup/redis-global.ts provides its URL even without redis-server).
const redis = inject("redis");
const refusedUrl = "refusedUrl" in redis ? redis.refusedUrl : "http://127.0.0.1:9";

async function chatWithDeadRedis(slug: string, token: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(projectUrl(slug, "/v1/chat/completions"), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Session-Id": "s1" },
      body: JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "still there?" }] }),
    }),
    { ...env, UPSTASH_REDIS_REST_URL: refusedUrl, UPSTASH_REDIS_REST_TOKEN: "t" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("a memory store outage", () => {
  it("fails with a clear 503 when memory_on_unavailable is fail", async () => {
    const { project, token } = await setupProject({
      settings: { memory_enabled: true, memory_on_unavailable: "fail" },
    });
    const res = await chatWithDeadRedis(project.slug, token);
    expect(res.status).toBe(503);
    const body = await res.json<ErrorReply>();
    expect(body.error.code).toBe("memory_unavailable");
    expect(JSON.stringify(body)).not.toMatch(/127\\.0\\.0\\.1|at .*\\.ts/);
  });

  it("answers without memory when memory_on_unavailable is proceed (the default)", async () => {
    const { project, token } = await setupProject({ settings: { memory_enabled: true } });
    const res = await chatWithDeadRedis(project.slug, token);
    expect(res.status).toBe(200);
    expect((await res.json<{ choices: { message: { content: string } }[] }>()).choices[0]?.message.content).toBe(
      "still there?",
    );
  });
});
