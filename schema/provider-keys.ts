import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenants } from "./tenants";

/**
 * BYOK provider credentials: AES-256-GCM ciphertext only (src/secrets/byok-cipher.ts). `scope` is "tenant"
 * for the tenant-wide key or "cc:{costCenter}" for a cost center's own key.
 */
export const providerKeys = sqliteTable(
  "provider_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    provider: text("provider").notNull(),
    scope: text("scope").notNull(),
    ciphertext: text("ciphertext").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** Optional per-key upstream base URL (self-hosted or regional endpoints). */
    baseUrl: text("base_url"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("provider_keys_scope").on(t.tenantId, t.provider, t.scope)],
);
