// Bindings the Worker receives. Secrets are validated at startup by src/env.ts.
interface Env {
  DB: D1Database;
  PROJECT_GATE: DurableObjectNamespace<import("./durable-objects/project-gate").ProjectGate>;
  MEMORY: DurableObjectNamespace<import("./durable-objects/conversation-memory").ConversationMemory>;
  BUDGET_POOL: DurableObjectNamespace<import("./durable-objects/budget-pool").BudgetPool>;
  IP_LIMITER: DurableObjectNamespace<import("./durable-objects/ip-limiter").IpLimiter>;
  STORED_RESPONSES: DurableObjectNamespace<import("./durable-objects/stored-responses").StoredResponses>;
  /** The built dashboard (wrangler.toml [assets]); read only by src/control-plane/dashboard.ts. */
  ASSETS: Fetcher;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  API_HOST: string;
  PROJECT_DOMAIN: string;
  DEV_PROJECT_DOMAIN: string;
  LOCAL_PROJECT_DOMAIN: string;
  LEGACY_DOMAIN: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  OPERATOR_TOKEN?: string;
  JWT_SIGNING_KEYS?: string;
  BYOK_MASTER_KEYS?: string;
  /** Optional operator-managed default model (src/data-plane/operator-default.ts). */
  OPERATOR_DEFAULT_MODEL?: string;
  OPERATOR_PROVIDER_KEY?: string;
  OPERATOR_PROVIDER_BASE_URL?: string;
  OPERATOR_TOKENS_PER_TENANT_DAY?: string;
  TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];
}
declare namespace Cloudflare {
  interface Env extends globalThis.Env {}
}
