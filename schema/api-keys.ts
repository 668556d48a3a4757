import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { projects } from "./projects";

/** Project API keys. The plaintext is never stored: Argon2id hash + SHA-256 lookup index + a display prefix. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    name: text("name"),
    role: text("role").notNull(),
    lookupIndex: text("lookup_index").notNull(),
    hash: text("hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
    /** Set when this key was revoked by a rotation: the id of the key that replaced it. */
    replacedBy: text("replaced_by"),
    /** On a successor: the key it replaced. Unique, so one key can be rotated into only one successor. */
    rotatedFrom: text("rotated_from"),
  },
  (t) => [
    uniqueIndex("api_keys_lookup").on(t.lookupIndex),
    uniqueIndex("api_keys_rotated_from").on(t.rotatedFrom),
    index("api_keys_project").on(t.projectId),
  ],
);
