import { describe, expect, it } from "vitest";
import { type CacheKeyInput, cacheEligibility, cacheKeyText, canonicalJson } from "../../src/cache/key";

type ChatKeyInput = Extract<CacheKeyInput, { api: "chat" }>;
const base: ChatKeyInput = {
  api: "chat",
  projectId: "prj_1",
  scope: "user",
  userId: "alice",
  target: "mock/tollgate-mock",
  request: { messages: [{ role: "user", content: "hi" }], temperature: 0.2 },
};
const key = (change: Partial<ChatKeyInput> = {}) => cacheKeyText({ ...base, ...change });
const withRequest = (request: Record<string, unknown>) => key({ request: request as ChatKeyInput["request"] });
const embeddingsKey = (request: Partial<Extract<CacheKeyInput, { api: "embeddings" }>["request"]> = {}) =>
  cacheKeyText({
    ...base,
    api: "embeddings",
    target: "mock/tollgate-embed",
    request: { input: ["hi"], encoding_format: "float", ...request },
  });

describe("cache key canonicalisation", () => {
  it("sorts object keys at every depth and drops null and absent members", () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [2, { z: 1, y: undefined }] } })).toBe(
      '{"a":{"c":[2,{"z":1}]},"b":1}',
    );
  });

  it("gives the same key to requests that differ only in field order, explicit nulls, model alias, user tag or metadata", () => {
    const same = [
      { temperature: 0.2, messages: [{ content: "hi", role: "user" }] },
      { messages: [{ role: "user", content: "hi" }], temperature: 0.2, seed: null },
      { messages: [{ role: "user", content: "hi" }], temperature: 0.2, model: "default" },
      { messages: [{ role: "user", content: "hi" }], temperature: 0.2, user: "tag-1", metadata: { a: "b" } },
    ];
    for (const request of same) expect(withRequest(request), JSON.stringify(request)).toBe(key());
  });

  it("gives a different key to anything that can change the answer", () => {
    const different: [string, string][] = [
      ["project", key({ projectId: "prj_2" })],
      ["user", key({ userId: "bob" })],
      ["target", key({ target: "mock/echo" })],
      ["content", withRequest({ messages: [{ role: "user", content: "hi!" }], temperature: 0.2 })],
      ["temperature", withRequest({ messages: [{ role: "user", content: "hi" }], temperature: 0.3 })],
      ["stream", withRequest({ messages: [{ role: "user", content: "hi" }], temperature: 0.2, stream: true })],
      [
        "a memory turn",
        withRequest({
          messages: [
            { role: "assistant", content: "earlier" },
            { role: "user", content: "hi" },
          ],
          temperature: 0.2,
        }),
      ],
      [
        "a masked placeholder",
        withRequest({ messages: [{ role: "user", content: "hi <EMAIL_1>" }], temperature: 0.2 }),
      ],
    ];
    for (const [what, text] of different) expect(text, what).not.toBe(key());
  });

  it("leaves the user out of a project-scoped key, so every user of the project shares it", () => {
    expect(key({ scope: "project", userId: "alice" })).toBe(key({ scope: "project", userId: "bob" }));
    expect(key({ scope: "project" })).not.toBe(key({ scope: "user" }));
  });
});

describe("embeddings cache keys", () => {
  it("never share an entry with a chat request, and differ in every field that changes the vectors or their bytes", () => {
    expect(embeddingsKey()).toBe(embeddingsKey({ dimensions: undefined }));
    expect(embeddingsKey()).not.toBe(cacheKeyText({ ...base, target: "mock/tollgate-embed" }));
    const different: [string, string][] = [
      ["text", embeddingsKey({ input: ["hi!"] })],
      ["a second text", embeddingsKey({ input: ["hi", "hi"] })],
      ["dimensions", embeddingsKey({ dimensions: 64 })],
      ["encoding_format", embeddingsKey({ encoding_format: "base64" })],
    ];
    for (const [what, text] of different) expect(text, what).not.toBe(embeddingsKey());
    // Order of texts is meaning: data[i] answers input[i].
    expect(
      cacheKeyText({ ...base, api: "embeddings", request: { input: ["a", "b"], encoding_format: "float" } }),
    ).not.toBe(cacheKeyText({ ...base, api: "embeddings", request: { input: ["b", "a"], encoding_format: "float" } }));
  });
});

describe("cache eligibility", () => {
  const tools = [{ type: "function" as const, function: { name: "now" } }];
  const table: [string, Parameters<typeof cacheEligibility>, ReturnType<typeof cacheEligibility>][] = [
    ["plain", [{}, {}], { eligible: true }],
    ["no-cache", [{}, { cacheControl: "no-cache" }], { eligible: false, reason: "bypass" }],
    ["no-store among others", [{}, { cacheControl: "max-age=0, No-Store" }], { eligible: false, reason: "bypass" }],
    ["max-age only", [{}, { cacheControl: "max-age=60" }], { eligible: true }],
    ["X-Tollgate-Cache bypass", [{}, { cache: " BYPASS " }], { eligible: false, reason: "bypass" }],
    ["tools", [{ tools }, {}], { eligible: false, reason: "tools" }],
    ["tools opted in", [{ tools }, { cacheTools: "allow" }], { eligible: true }],
    [
      "tools opted in, bypassed",
      [{ tools }, { cacheTools: "allow", cache: "bypass" }],
      { eligible: false, reason: "bypass" },
    ],
    ["empty tools", [{ tools: [] }, {}], { eligible: true }],
  ];
  it.each(table)("%s", (_, args, expected) => {
    expect(cacheEligibility(...args)).toEqual(expected);
  });
});
