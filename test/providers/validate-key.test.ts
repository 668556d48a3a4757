import { describe, expect, it } from "vitest";
import { validateProviderKey } from "../../src/providers/validate-key";

/** A local fake provider: records the request and answers with the given status. */
function fakeProvider(status: number | "down") {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    seen.push({ url: String(input), headers: Object.fromEntries(new Headers(init?.headers)) });
    if (status === "down") throw new TypeError("connect ECONNREFUSED");
    return new Response("{}", { status });
  };
  return { fetch, seen };
}

describe("validateProviderKey", () => {
  const endpoints: Array<[string, string, Record<string, string>]> = [
    ["openai", "http://fake.local/models", { authorization: "Bearer key-1" }],
    ["groq", "http://fake.local/models", { authorization: "Bearer key-1" }],
    ["openrouter", "http://fake.local/key", { authorization: "Bearer key-1" }],
    ["anthropic", "http://fake.local/v1/models", { "x-api-key": "key-1", "anthropic-version": "2023-06-01" }],
    ["google", "http://fake.local/v1beta/models", { "x-goog-api-key": "key-1" }],
    ["cohere", "http://fake.local/v1/models", { authorization: "Bearer key-1" }],
  ];
  it.each(endpoints)("checks a %s key with GET %s", async (provider, url, headers) => {
    const fake = fakeProvider(200);
    expect(await validateProviderKey(provider, "key-1", { baseUrl: "http://fake.local/", fetch: fake.fetch })).toEqual({
      ok: true,
    });
    expect(fake.seen).toEqual([{ url, headers: expect.objectContaining(headers) }]);
  });

  const outcomes: Array<[number | "down", object]> = [
    [401, { ok: false, reason: "invalid_key" }],
    [403, { ok: false, reason: "invalid_key" }],
    [500, { ok: false, reason: "unexpected_status" }],
    ["down", { ok: false, reason: "provider_unreachable" }],
  ];
  it.each(outcomes)("reports upstream %s as %j", async (status, expected) => {
    expect(
      await validateProviderKey("mistral", "key-1", {
        baseUrl: "http://fake.local",
        fetch: fakeProvider(status).fetch,
      }),
    ).toEqual(expected);
  });

  it("refuses unknown providers and empty keys without a request", async () => {
    const fake = fakeProvider(200);
    expect(await validateProviderKey("nope", "k", { fetch: fake.fetch })).toEqual({
      ok: false,
      reason: "unknown_provider",
    });
    expect(await validateProviderKey("openai", "  ", { fetch: fake.fetch })).toEqual({
      ok: false,
      reason: "invalid_key",
    });
    expect(fake.seen).toHaveLength(0);
  });

  it("validates mock keys in-process", async () => {
    expect(await validateProviderKey("mock", "any")).toEqual({ ok: true });
    expect(await validateProviderKey("mock", "mock-invalid")).toEqual({ ok: false, reason: "invalid_key" });
  });
});
