import type { ProviderAdapter } from "./adapter";
import type { CallTarget } from "./call";
import { anthropicAdapter } from "./anthropic";
import { bedrockAdapter } from "./bedrock";
import { findProvider, PROVIDER_CATALOG, type Protocol, type ProviderRow } from "./catalog";
import { cohereAdapter } from "./cohere";
import { geminiAdapter } from "./gemini";
import { createMockFetch, type MockOptions } from "./mock";
import { openAICompatibleAdapter } from "./openai-compatible";
import { vertexAdapter } from "./vertex";

/** Catalog row → adapter, and `provider/model` strings → everything needed to call it. */

const TRANSLATING: Record<Exclude<Protocol, "openai">, ProviderAdapter> = {
  anthropic: anthropicAdapter,
  google: geminiAdapter,
  cohere: cohereAdapter,
  vertex: vertexAdapter,
  bedrock: bedrockAdapter,
};

const ADAPTERS = new Map<string, ProviderAdapter>(
  PROVIDER_CATALOG.map((row) => [
    row.id,
    row.protocol === "openai" ? openAICompatibleAdapter(row) : TRANSLATING[row.protocol],
  ]),
);

export function adapterFor(providerId: string): ProviderAdapter | undefined {
  return ADAPTERS.get(providerId);
}

export interface ResolvedModel {
  provider: ProviderRow;
  adapter: ProviderAdapter;
  /** The model name as the provider spells it (everything after the first slash). */
  model: string;
}

/**
 * Splits `provider/model` at the first slash only: OpenRouter and Together model names contain
 * slashes themselves (`openrouter/openai/gpt-4o-mini`). Returns null for an unknown provider.
 */
export function resolveModel(ref: string): ResolvedModel | null {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1) return null;
  const provider = findProvider(ref.slice(0, slash));
  const adapter = provider && ADAPTERS.get(provider.id);
  if (!provider || !adapter) return null;
  return { provider, adapter, model: ref.slice(slash + 1) };
}

/** One `/v1/models` entry per catalog default model; the mock is labelled so nobody mistakes it. */
export interface CatalogModel {
  id: string;
  object: "model";
  owned_by: string;
  label: string;
  mock: boolean;
}

export function catalogModels(): CatalogModel[] {
  return PROVIDER_CATALOG.flatMap((row: ProviderRow) =>
    row.defaultModels.map((model) => ({
      id: `${row.id}/${model}`,
      object: "model" as const,
      owned_by: row.id,
      label: row.mock ? `${model} (mock, no network)` : `${row.label} ${model}`,
      mock: row.mock === true,
    })),
  );
}

/** The fetch a provider is called with: the in-process mock for the mock row, the platform's otherwise. */
export function fetchFor(provider: ProviderRow, mockOptions?: MockOptions): typeof fetch {
  return provider.mock ? createMockFetch(mockOptions) : fetch;
}

/** Everything callProvider needs for one resolved model; `baseUrl` overrides the catalog's (tests, proxies). */
export function callTarget(
  resolved: ResolvedModel,
  options: { apiKey: string; baseUrl?: string; mock?: MockOptions },
): CallTarget {
  return {
    adapter: resolved.adapter,
    providerLabel: resolved.provider.label,
    model: resolved.model,
    apiKey: options.apiKey,
    baseUrl: options.baseUrl ?? resolved.provider.baseUrl,
    fetch: fetchFor(resolved.provider, options.mock),
  };
}
