import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";

/**
 * Budget-alert thresholds per tenant (the webhook URL itself is `tenants.alert_webhook_url`). Absent row:
 * the defaults of src/usage/alerts.ts (50/80/100 %).
 */
export const budgetAlertSettings = sqliteTable("budget_alert_settings", {
  tenantId: text("tenant_id").primaryKey(),
  /** JSON array of percentages, ascending, each 1..100. */
  thresholds: text("thresholds").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
