import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { tenants } from "./tenants";

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    /** `{adjective}-{noun}-{3 digits}`; the unique index is what makes concurrent creation safe. */
    slug: text("slug").notNull(),
    costCenter: text("cost_center"),
    status: text("status", { enum: ["active", "suspended"] }).notNull(),
    dnsStatus: text("dns_status", { enum: ["PENDING", "READY", "FAILED"] }).notNull(),
    /** JSON of the settings the tenant set; completed with defaults on read (src/settings/schema.ts). */
    settings: text("settings").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("projects_slug").on(t.slug), index("projects_tenant").on(t.tenantId)],
);

export const tiers = sqliteTable(
  "tiers",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    name: text("name").notNull(),
    /** JSON of TierOverrides. */
    overrides: text("overrides").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("tiers_project_name").on(t.projectId, t.name)],
);
