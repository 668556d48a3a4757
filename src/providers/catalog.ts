/**
 * Every provider the gateway can call, as data. The OpenAI-compatible family differs only in base URL,
 * the endpoint that proves a key works, and its default models, so each is one row over one shared
 * adapter; the `protocol` column picks the adapter for the providers that need translating.
 */
export type Protocol = "openai" | "anthropic" | "google" | "cohere" | "vertex" | "bedrock";

export interface ProviderRow {
  id: string;
  label: string;
  protocol: Protocol;
  baseUrl: string;
  /**
   * How the API key travels: `Authorization: Bearer`, Anthropic's `x-api-key`, Google's `x-goog-api-key`;
   * or no static header at all — a per-request OAuth token (Vertex) or SigV4 signature (Bedrock) added by
   * the provider's transport (enterprise-credentials.ts).
   */
  auth: "bearer" | "x-api-key" | "x-goog-api-key" | "google-oauth" | "aws-sigv4";
  /** GET path (relative to baseUrl) that answers 200 only for a valid key. */
  keyCheckPath: string;
  defaultModels: readonly string[];
  /** True only for the built-in mock: it never leaves the Worker. */
  mock?: true;
  /**
   * The field the completion cap travels in. OpenAI's reasoning models refuse `max_tokens`, and only
   * `max_completion_tokens` bounds their reasoning tokens too (src/usage/reasoning.ts).
   */
  capField?: "max_completion_tokens";
}

export const PROVIDER_CATALOG = [
  {
    id: "openai",
    label: "OpenAI",
    protocol: "openai",
    baseUrl: "https://api.openai.com/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"],
    capField: "max_completion_tokens",
  },
  {
    id: "openrouter",
    label: "OpenRouter",
    protocol: "openai",
    baseUrl: "https://openrouter.ai/api/v1",
    auth: "bearer",
    // OpenRouter lists models without authentication; /key answers only for a valid key.
    keyCheckPath: "/key",
    defaultModels: ["openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct"],
  },
  {
    id: "mistral",
    label: "Mistral",
    protocol: "openai",
    baseUrl: "https://api.mistral.ai/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["mistral-small-latest", "mistral-large-latest"],
  },
  {
    id: "groq",
    label: "Groq",
    protocol: "openai",
    baseUrl: "https://api.groq.com/openai/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["llama-3.1-8b-instant", "llama-3.3-70b-versatile"],
  },
  {
    id: "together",
    label: "Together AI",
    protocol: "openai",
    baseUrl: "https://api.together.xyz/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["meta-llama/Llama-3.3-70B-Instruct-Turbo"],
  },
  {
    id: "fireworks",
    label: "Fireworks AI",
    protocol: "openai",
    baseUrl: "https://api.fireworks.ai/inference/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["accounts/fireworks/models/llama-v3p1-8b-instruct"],
  },
  {
    id: "deepseek",
    label: "DeepSeek",
    protocol: "openai",
    baseUrl: "https://api.deepseek.com/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["deepseek-chat", "deepseek-reasoner"],
  },
  {
    id: "anthropic",
    label: "Anthropic",
    protocol: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: "x-api-key",
    keyCheckPath: "/v1/models",
    defaultModels: ["claude-3-5-haiku-latest", "claude-sonnet-4-20250514"],
  },
  {
    id: "google",
    label: "Google Gemini",
    protocol: "google",
    baseUrl: "https://generativelanguage.googleapis.com",
    auth: "x-goog-api-key",
    keyCheckPath: "/v1beta/models",
    defaultModels: ["gemini-2.0-flash", "gemini-2.5-flash"],
  },
  {
    id: "cohere",
    label: "Cohere",
    protocol: "cohere",
    baseUrl: "https://api.cohere.com",
    auth: "bearer",
    keyCheckPath: "/v1/models",
    defaultModels: ["command-r-08-2024", "command-r-plus-08-2024"],
  },
  {
    // Base URL is per project and region, derived from the stored credential (vertex.ts vertexBaseUrl).
    id: "vertex",
    label: "Google Vertex AI",
    protocol: "vertex",
    baseUrl: "https://us-central1-aiplatform.googleapis.com/v1",
    auth: "google-oauth",
    keyCheckPath: "",
    defaultModels: ["gemini-2.0-flash", "gemini-2.5-flash"],
  },
  {
    // Base URL is per region, derived from the stored credential (bedrock-transport.ts bedrockRuntimeUrl).
    id: "bedrock",
    label: "AWS Bedrock",
    protocol: "bedrock",
    baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com",
    auth: "aws-sigv4",
    keyCheckPath: "",
    defaultModels: ["anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-lite-v1:0"],
  },
  {
    // Speaks the OpenAI protocol through an in-process fake fetch (providers/mock.ts); no network.
    id: "mock",
    label: "Mock (no network)",
    protocol: "openai",
    baseUrl: "https://mock.tollgate.invalid/v1",
    auth: "bearer",
    keyCheckPath: "/models",
    defaultModels: ["tollgate-mock", "echo"],
    mock: true,
  },
] as const satisfies readonly ProviderRow[];

export type ProviderId = (typeof PROVIDER_CATALOG)[number]["id"];

const BY_ID = new Map<string, ProviderRow>(PROVIDER_CATALOG.map((row) => [row.id, row]));

export function findProvider(id: string): ProviderRow | undefined {
  return BY_ID.get(id);
}

/** The headers that carry the key, in the style the row names. */
export function authHeaders(row: Pick<ProviderRow, "auth">, apiKey: string): Record<string, string> {
  switch (row.auth) {
    case "bearer":
      return { authorization: `Bearer ${apiKey}` };
    case "x-api-key":
      return { "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION };
    case "x-goog-api-key":
      return { "x-goog-api-key": apiKey };
    case "google-oauth":
    case "aws-sigv4":
      return {};
  }
}

/** The Messages API version whose shapes the anthropic adapter implements. */
export const ANTHROPIC_VERSION = "2023-06-01";
