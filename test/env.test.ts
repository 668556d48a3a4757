import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";

/**
 * Startup validation (src/env.ts): a Worker deployed with a missing or malformed secret, var or binding
 * answers every request 500 `misconfigured` naming what is wrong — never its value — instead of failing
 * deep in a handler. Each case spreads `env` into a new object, so the config is parsed afresh.
 */
async function fetchWith(overrides: Record<string, unknown>, url = "https://localhost/healthz", init?: RequestInit) {
  const ctx = createExecutionContext();
  const request = new Request(url, init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text) as { error?: { code: string; message: string; type: string } },
  };
}

const BAD_OPERATOR_TOKEN = "tg_op_tooshort9";
const BAD_REDIS_URL = "redis-at-localhost-6379";

describe("a missing or malformed secret or var answers 500 misconfigured naming it", () => {
  const cases: [string, Record<string, unknown>, string, string | null][] = [
    ["OPERATOR_TOKEN unset", { OPERATOR_TOKEN: undefined }, "OPERATOR_TOKEN is missing", null],
    ["JWT_SIGNING_KEYS unset", { JWT_SIGNING_KEYS: undefined }, "JWT_SIGNING_KEYS is missing", null],
    ["BYOK_MASTER_KEYS unset", { BYOK_MASTER_KEYS: undefined }, "BYOK_MASTER_KEYS is missing", null],
    ["JWT_SIGNING_KEYS not a JWK list", { JWT_SIGNING_KEYS: "nope" }, "JWT_SIGNING_KEYS is malformed", "nope"],
    ["BYOK_MASTER_KEYS too short", { BYOK_MASTER_KEYS: "v1:short" }, "BYOK_MASTER_KEYS is malformed", "v1:short"],
    [
      "OPERATOR_TOKEN too short",
      { OPERATOR_TOKEN: BAD_OPERATOR_TOKEN },
      "OPERATOR_TOKEN is malformed",
      BAD_OPERATOR_TOKEN,
    ],
    ["API_HOST unset", { API_HOST: undefined }, "API_HOST is missing", null],
    ["PROJECT_DOMAIN unset", { PROJECT_DOMAIN: undefined }, "PROJECT_DOMAIN is missing", null],
    [
      "UPSTASH_REDIS_REST_URL not a URL",
      { UPSTASH_REDIS_REST_URL: BAD_REDIS_URL },
      "UPSTASH_REDIS_REST_URL is malformed",
      BAD_REDIS_URL,
    ],
  ];

  it.each(cases)("%s", async (_label, overrides, named, badValue) => {
    const { status, text, body } = await fetchWith(overrides);
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ code: "misconfigured", type: "server_error" });
    expect(body.error?.message).toContain(named);
    if (badValue !== null) expect(text).not.toContain(badValue);
  });

  it("names every problem at once, so one deploy fixes them all", async () => {
    const { body } = await fetchWith({ OPERATOR_TOKEN: undefined, BYOK_MASTER_KEYS: "v1:short" });
    expect(body.error?.message).toContain("OPERATOR_TOKEN is missing");
    expect(body.error?.message).toContain("BYOK_MASTER_KEYS is malformed");
  });
});

describe("a missing binding answers 500 misconfigured naming it", () => {
  it.each(["DB", "PROJECT_GATE", "MEMORY"])("%s", async (binding) => {
    const { status, body } = await fetchWith({ [binding]: undefined });
    expect(status).toBe(500);
    expect(body.error).toMatchObject({
      code: "misconfigured",
      message: expect.stringContaining(`missing binding ${binding}`),
    });
  });
});

describe("every request is refused the same way, not just the health check", () => {
  const requests: [string, string, RequestInit | undefined][] = [
    [
      "control plane",
      "https://localhost/v1/tenants",
      { method: "POST", body: "{}", headers: { Authorization: `Bearer ${env.OPERATOR_TOKEN}` } },
    ],
    ["JWKS", "https://localhost/.well-known/jwks.json", undefined],
    ["data plane", "https://amber-fox-042.localhost/v1/chat/completions", { method: "POST", body: "{}" }],
  ];
  it.each(requests)("%s", async (_label, url, init) => {
    const { status, text, body } = await fetchWith({ BYOK_MASTER_KEYS: "v1:short" }, url, init);
    expect(status).toBe(500);
    expect(body.error?.code).toBe("misconfigured");
    expect(text).not.toContain("v1:short");
  });
});

describe("a complete configuration", () => {
  it("serves the health check", async () => {
    const { status, body } = await fetchWith({});
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
  });
});
