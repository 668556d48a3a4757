import { and, eq } from "drizzle-orm";
import { killSwitches } from "../../schema";
import type { Database } from "../db/client";

/**
 * Small reads and views the routes use to give an audit entry its `before` state or to keep a secret out of
 * it; they live here so the route files only gain their one audit call.
 */

/** Whether a kill switch was on before a flip (a switch never set is off). */
export async function killSwitchEnabled(
  db: Database,
  scope: "global" | "tenant" | "project",
  scopeId: string,
): Promise<boolean> {
  const row = await db
    .select({ enabled: killSwitches.enabled })
    .from(killSwitches)
    .where(and(eq(killSwitches.scope, scope), eq(killSwitches.scopeId, scopeId)))
    .get();
  return row?.enabled ?? false;
}

/**
 * A webhook URL often carries a token in its path or query (Slack, generic receivers). The trail keeps
 * its origin only, which is enough to see where alerts were sent to.
 */
export function alertSettingsForAudit(view: { tenant_id: string; webhook_url: string | null; thresholds: number[] }) {
  return {
    tenant_id: view.tenant_id,
    webhook_origin: view.webhook_url === null ? null : new URL(view.webhook_url).origin,
    thresholds: view.thresholds,
  };
}
