import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";

/** One row per admitted request, keyed by request id so a re-flushed batch is idempotent. */
export const usageLedger = sqliteTable(
  "usage_ledger",
  {
    requestId: text("request_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    projectId: text("project_id").notNull(),
    costCenter: text("cost_center"),
    userId: text("user_id").notNull(),
    sessionId: text("session_id"),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    costMicroUsd: integer("cost_micro_usd").notNull(),
    priceVersion: text("price_version"),
    credentialFingerprint: text("credential_fingerprint"),
    latencyMs: integer("latency_ms").notNull(),
    /** ok | aborted | provider_error | … */
    status: text("status").notNull(),
    /** 1 when the response cache answered: nothing was charged, the saved_* columns say what it saved. */
    cached: integer("cached").notNull().default(0),
    /** Tokens (prompt + completion) and micro-USD the cached answer cost when it was first made. */
    savedTokens: integer("saved_tokens").notNull().default(0),
    savedMicroUsd: integer("saved_micro_usd").notNull().default(0),
    /** JSON array of guardrail events (types and counts, never values). */
    guardrailEvents: text("guardrail_events").notNull(),
    /** UTC day `YYYY-MM-DD`, for daily series. */
    day: text("day").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("usage_tenant_day").on(t.tenantId, t.day), index("usage_project_day").on(t.projectId, t.day)],
);
