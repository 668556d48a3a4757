import { sqliteTable, text, integer, primaryKey } from "drizzle-orm/sqlite-core";

/** Record of kill switches; the enforcing copy lives in each project's Durable Object. */
export const killSwitches = sqliteTable(
  "kill_switches",
  {
    scope: text("scope", { enum: ["global", "tenant", "project"] }).notNull(),
    scopeId: text("scope_id").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** Raised by one on every write, in D1's write order: a gate keeps the highest it was pushed (flips may arrive out of order). */
    version: integer("version").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
);
