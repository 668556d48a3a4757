import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  plan: text("plan", { enum: ["free", "pro", "business", "enterprise"] }).notNull(),
  /** Budget-alert webhook; fired once per threshold per period. */
  alertWebhookUrl: text("alert_webhook_url"),
  createdAt: integer("created_at").notNull(),
});

/** Tenant admin credentials (`tg_admin_…`): Argon2id hash + public SHA-256 lookup index, like API keys. */
export const adminCredentials = sqliteTable(
  "admin_credentials",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    lookupIndex: text("lookup_index").notNull(),
    hash: text("hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("admin_credentials_lookup").on(t.lookupIndex)],
);
