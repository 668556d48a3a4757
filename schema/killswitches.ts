import { sqliteTable, text, integer, primaryKey } from "drizzle-orm/sqlite-core";

/** Record of kill switches; the enforcing copy lives in each project's Durable Object. */
export const killSwitches = sqliteTable(
  "kill_switches",
  {
    scope: text("scope", { enum: ["global", "tenant", "project"] }).notNull(),
    scopeId: text("scope_id").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
);
