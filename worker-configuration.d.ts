// Bindings the Worker receives. Secrets are validated at startup by src/env.ts.
interface Env {
  DB: D1Database;
  PROJECT_GATE: DurableObjectNamespace<import("./durable-objects/project-gate").ProjectGate>;
  MEMORY: DurableObjectNamespace<import("./durable-objects/conversation-memory").ConversationMemory>;
  BUDGET_POOL: DurableObjectNamespace<import("./durable-objects/budget-pool").BudgetPool>;
  IP_LIMITER: DurableObjectNamespace<import("./durable-objects/ip-limiter").IpLimiter>;
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
  TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];
}
declare namespace Cloudflare { interface Env extends globalThis.Env {} }
