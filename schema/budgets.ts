import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Dollar budgets shared by several projects: a whole tenant or one of its cost centers. */
export const sharedBudgets = sqliteTable(
  "shared_budgets",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    scope: text("scope", { enum: ["tenant", "cost_center"] }).notNull(),
    /** The cost center's name; the tenant id for tenant budgets. */
    scopeId: text("scope_id").notNull(),
    period: text("period", { enum: ["day", "month"] }).notNull(),
    limitMicroUsd: integer("limit_micro_usd").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("shared_budgets_scope").on(t.tenantId, t.scope, t.scopeId, t.period)],
);
