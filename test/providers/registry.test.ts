import { describe, expect, it } from "vitest";
import { PROVIDER_CATALOG } from "../../src/providers/catalog";
import { callTarget, catalogModels, resolveModel } from "../../src/providers/registry";
import { priceOf } from "../../src/usage/pricing";

describe("resolveModel", () => {
  it.each([
    ["openai/gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["openrouter/openai/gpt-4o-mini", "openrouter", "openai/gpt-4o-mini"],
    ["anthropic/claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest"],
    ["mock/tollgate-mock", "mock", "tollgate-mock"],
  ])("%s → provider %s, model %s", (ref, provider, model) => {
    const resolved = resolveModel(ref);
    expect({ provider: resolved?.provider.id, model: resolved?.model, adapter: resolved?.adapter.id }).toEqual({
      provider,
      model,
      adapter: provider,
    });
  });

  it.each(["gpt-4o", "unknown/model", "/gpt", "openai/"])("rejects %j", (ref) => {
    expect(resolveModel(ref)).toBeNull();
  });
});

describe("catalog", () => {
  it("has one row per provider id", () => {
    const ids = PROVIDER_CATALOG.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists the mock's models labelled as mock", () => {
    const mock = catalogModels().filter((m) => m.owned_by === "mock");
    expect(mock.map((m) => m.id)).toContain("mock/tollgate-mock");
    for (const model of mock) expect(model).toMatchObject({ mock: true, label: expect.stringMatching(/mock/) });
    expect(
      catalogModels()
        .filter((m) => m.mock)
        .every((m) => m.owned_by === "mock"),
    ).toBe(true);
  });

  it("prices every default model from the table, not the fallback", () => {
    const unpriced = catalogModels().filter(
      (m) => priceOf(m.owned_by, m.id.slice(m.owned_by.length + 1)).source !== "table",
    );
    expect(unpriced.map((m) => m.id)).toEqual([]);
  });
});

describe("callTarget", () => {
  it("fills in the catalog's label and base URL, and the mock's in-process fetch", async () => {
    const resolved = resolveModel("mock/echo");
    if (!resolved) throw new Error("unresolved");
    const target = callTarget(resolved, { apiKey: "k" });
    expect(target).toMatchObject({
      providerLabel: "Mock (no network)",
      model: "echo",
      baseUrl: "https://mock.tollgate.invalid/v1",
    });
    expect((await target.fetch?.("https://mock.tollgate.invalid/v1/models"))?.status).toBe(200);
  });

  it("lets the caller override the base URL", () => {
    const resolved = resolveModel("groq/llama-3.1-8b-instant");
    if (!resolved) throw new Error("unresolved");
    expect(callTarget(resolved, { apiKey: "k", baseUrl: "http://127.0.0.1:9999/v1" }).baseUrl).toBe(
      "http://127.0.0.1:9999/v1",
    );
  });
});
