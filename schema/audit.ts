import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Append-only, hash-chained per tenant (`seq` increases by one; `hash` covers `prev_hash` and the content). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    seq: integer("seq").notNull(),
    actorId: text("actor_id").notNull(),
    actorRole: text("actor_role").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    before: text("before"),
    after: text("after"),
    createdAt: integer("created_at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [uniqueIndex("audit_tenant_seq").on(t.tenantId, t.seq)],
);

/**
 * Retention sweep watermark per project (src/retention/): conversations last active at or before
 * `swept_through` (epoch ms) have been cleared under the retention in force at `updated_at`.
 */
export const retentionSweeps = sqliteTable("retention_sweeps", {
  projectId: text("project_id").primaryKey(),
  sweptThrough: integer("swept_through").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
