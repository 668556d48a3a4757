import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { anthropicAdapter } from "../../src/providers/anthropic";
import { callProvider, type CallOptions } from "../../src/providers/call";
import { ChatRequest } from "../../src/providers/openai-schema";
import { adapterFor } from "../../src/providers/registry";
import anthropic401 from "../fixtures/providers/anthropic/error-401.json";
import google429 from "../fixtures/providers/google/error-429.json";
import openai400 from "../fixtures/providers/openai/error-400.json";
import openai401 from "../fixtures/providers/openai/error-401.json";

const KEY = "sk-live-SECRET1234567890abcdef";
const request = ChatRequest.parse({ messages: [{ role: "user", content: "hi" }] });
const openai = adapterFor("openai") as ProviderAdapter;

type Reply = Response | "hang" | "network";
/** A fetch that answers from a script, one reply per call, and records the URLs it was called with. */
function fakeFetch(...replies: Reply[]) {
  const urls: string[] = [];
  const fn: typeof fetch = async (input, init) => {
    urls.push(String(input));
    const reply = replies.shift() ?? new Response("{}", { status: 200 });
    if (reply === "network") throw new TypeError("fetch failed: connect ECONNREFUSED");
    if (reply === "hang")
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    return reply;
  };
  return Object.assign(fn, { urls });
}
const status = (code: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status: code, headers });

function options(fetch: typeof globalThis.fetch, extra: Partial<CallOptions> = {}): CallOptions {
  return {
    adapter: openai,
    providerLabel: "OpenAI",
    model: "gpt-4o-mini",
    apiKey: KEY,
    baseUrl: "https://up.test/v1",
    request,
    timeoutMs: 1_000,
    fetch,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  expect(error.message).not.toContain(KEY);
  return error;
}

describe("callProvider error mapping", () => {
  const cases: Array<[string, Reply, number, string, RegExp]> = [
    ["a 500", status(500, { error: { message: "boom" } }), 502, "provider_error", /^OpenAI returned HTTP 500\.$/],
    ["a 503", status(503), 502, "provider_error", /OpenAI returned HTTP 503/],
    ["a refused connection", "network", 502, "provider_error", /^OpenAI could not be reached\.$/],
    ["a 401 (the key)", status(401, openai401), 502, "provider_error", /^OpenAI rejected the key\.$/],
    ["a 403", status(403, anthropic401), 502, "provider_error", /rejected the key/],
    [
      "a 400",
      status(400, openai400),
      400,
      "invalid_request",
      /^OpenAI rejected the request: Invalid value for 'temperature'/,
    ],
    ["a 429", status(429, google429, { "retry-after": "7" }), 429, "provider_rate_limited", /rate limiting/],
  ];
  it.each(cases)("maps %s to %i %s", async (_name, reply, httpStatus, code, message) => {
    const error = await failure(callProvider(options(fakeFetch(reply))));
    expect({ status: error.status, code: error.code }).toEqual({ status: httpStatus, code });
    expect(error.message).toMatch(message);
  });

  it("maps no answer within the timeout to 504 provider_timeout naming the provider", async () => {
    const error = await failure(callProvider(options(fakeFetch("hang"), { timeoutMs: 10 })));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 504,
      code: "provider_timeout",
      message: "OpenAI did not respond within 10 ms.",
    });
  });

  it("keeps upstream Retry-After on a 429", async () => {
    expect((await failure(callProvider(options(fakeFetch(status(429, {}, { "retry-after": "7" })))))).retryAfter).toBe(
      7,
    );
  });

  it("never repeats the key, even when the provider's message quotes it", async () => {
    const echo = status(400, { error: { message: `bad key ${KEY} and sk-proj-abcdefghijklmnopqrstuvwx` } });
    const error = await failure(callProvider(options(fakeFetch(echo))));
    expect(error.message).toBe("OpenAI rejected the request: bad key [redacted] and [redacted]");
  });

  it("names the provider of a translating adapter too", async () => {
    const error = await failure(
      callProvider(options(fakeFetch(status(502)), { adapter: anthropicAdapter, providerLabel: "Anthropic" })),
    );
    expect(error.message).toBe("Anthropic returned HTTP 502.");
  });
});

describe("callProvider retries and fallbacks", () => {
  it("retries 5xx and connection failures up to `attempts`", async () => {
    const fetch = fakeFetch(status(503), "network", status(200, { ok: 1 }));
    const call = await callProvider(options(fetch, { retry: { attempts: 3, delayMs: 0 } }));
    expect({ status: call.response.status, attempts: call.attempts }).toEqual({ status: 200, attempts: 3 });
  });

  it("does not retry a 400", async () => {
    const fetch = fakeFetch(status(400), status(200));
    await failure(callProvider(options(fetch, { retry: { attempts: 3, delayMs: 0 } })));
    expect(fetch.urls).toHaveLength(1);
  });

  it("falls back to the next target once retries are exhausted", async () => {
    const primary = fakeFetch(status(500), status(500));
    const backup = fakeFetch(status(200, { ok: 1 }));
    const call = await callProvider(
      options(primary, {
        retry: { attempts: 2, delayMs: 0 },
        fallbacks: [
          {
            adapter: anthropicAdapter,
            providerLabel: "Anthropic",
            model: "claude-3-5-haiku-latest",
            apiKey: "k2",
            baseUrl: "https://backup.test",
            fetch: backup,
          },
        ],
      }),
    );
    expect(call.target.providerLabel).toBe("Anthropic");
    expect(call.attempts).toBe(3);
    expect(backup.urls).toEqual(["https://backup.test/v1/messages"]);
  });

  it("does not fall back on a request the provider called invalid", async () => {
    const backup = fakeFetch(status(200));
    await failure(callProvider(options(fakeFetch(status(422)), { fallbacks: [{ ...options(backup) }] })));
    expect(backup.urls).toHaveLength(0);
  });

  it("stops at once when the client aborts", async () => {
    const client = new AbortController();
    const fetch = fakeFetch("hang", status(200));
    const pending = callProvider(options(fetch, { signal: client.signal, retry: { attempts: 3, delayMs: 0 } }));
    client.abort();
    expect((await failure(pending)).message).toMatch(/cancelled/);
    expect(fetch.urls).toHaveLength(1);
  });
});
