import { and, eq, isNotNull, or } from "drizzle-orm";
import { apiKeys, budgetAlertSettings, killSwitches, projects, sharedBudgets, tenants, tiers } from "../../schema";
import type { Database } from "../db/client";
import { listProviderKeys, payingKeyFor, type ProviderKeyRow } from "../db/provider-keys";
import { completeSettings, TierOverrides, type ProjectSettings } from "../settings/schema";
import { DEFAULT_ALERT_THRESHOLDS } from "../usage/alerts";
import { projectGate } from "./gate-client";
import type { GateSnapshot, PayingCredentials, SharedBudgetLimit } from "./gate-types";

/** `kill_switches.scope_id` of the global switch. */
export const GLOBAL_SCOPE_ID = "*";

/**
 * Builds a project gate's snapshot from the system of record. The route that configures a gate and the
 * one that flips a switch both use this, so a gate configured after a switch was set starts with it set.
 * Returns null for an unknown project.
 */
export async function loadGateSnapshot(db: Database, projectId: string): Promise<GateSnapshot | null> {
  const project = await db.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) return null;
  const [tierRows, switchRows, revokedRows, budgetRows, tenant, alertRow, keyRows] = await Promise.all([
    db.select().from(tiers).where(eq(tiers.projectId, projectId)).all(),
    db
      .select()
      .from(killSwitches)
      .where(
        or(
          and(eq(killSwitches.scope, "global"), eq(killSwitches.scopeId, GLOBAL_SCOPE_ID)),
          and(eq(killSwitches.scope, "tenant"), eq(killSwitches.scopeId, project.tenantId)),
          and(eq(killSwitches.scope, "project"), eq(killSwitches.scopeId, projectId)),
        ),
      )
      .all(),
    db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.projectId, projectId), isNotNull(apiKeys.revokedAt)))
      .all(),
    db.select().from(sharedBudgets).where(eq(sharedBudgets.tenantId, project.tenantId)).all(),
    db.select({ url: tenants.alertWebhookUrl }).from(tenants).where(eq(tenants.id, project.tenantId)).get(),
    db.select().from(budgetAlertSettings).where(eq(budgetAlertSettings.tenantId, project.tenantId)).get(),
    listProviderKeys(db, project.tenantId),
  ]);
  const switchOn = (scope: "global" | "tenant" | "project") => switchRows.some((r) => r.scope === scope && r.enabled);
  const versionOf = (scope: "global" | "tenant" | "project") => switchRows.find((r) => r.scope === scope)?.version ?? 0;
  return {
    projectId,
    tenantId: project.tenantId,
    costCenter: project.costCenter,
    status: project.status,
    settings: parseSettings(project.settings),
    tiers: Object.fromEntries(tierRows.map((t) => [t.name, TierOverrides.parse(JSON.parse(t.overrides))])),
    killSwitches: { global: switchOn("global"), tenant: switchOn("tenant"), project: switchOn("project") },
    killSwitchVersions: { global: versionOf("global"), tenant: versionOf("tenant"), project: versionOf("project") },
    revokedKeyIds: revokedRows.map((r) => r.id),
    sharedBudgets: budgetRows.filter((b) => b.scope === "tenant" || b.scopeId === project.costCenter).map(toLimit),
    alerts: {
      webhookUrl: tenant?.url ?? null,
      thresholds: alertRow ? (JSON.parse(alertRow.thresholds) as number[]) : [...DEFAULT_ALERT_THRESHOLDS],
    },
    credentials: payingCredentials(keyRows, project.costCenter),
  };
}

/**
 * The keys that may pay for a project of this cost center (never another cost center's), sealed as stored.
 * `tenantHasByok` counts every scope: a tenant with only some cost center's key is still a BYOK tenant.
 */
function payingCredentials(rows: readonly ProviderKeyRow[], costCenter: string | null): PayingCredentials {
  const providers = [...new Set(rows.map((row) => row.provider))];
  return {
    keys: providers.flatMap((id) => {
      const key = payingKeyFor(rows, id, costCenter);
      return key
        ? [
            {
              provider: key.provider,
              scope: key.scope,
              ciphertext: key.ciphertext,
              fingerprint: key.fingerprint,
              baseUrl: key.baseUrl,
            },
          ]
        : [];
    }),
    tenantHasByok: rows.length > 0,
  };
}

function parseSettings(json: string): ProjectSettings {
  return completeSettings(JSON.parse(json) as Partial<ProjectSettings>);
}

function toLimit(row: typeof sharedBudgets.$inferSelect): SharedBudgetLimit {
  return { id: row.id, scope: row.scope, scopeId: row.scopeId, period: row.period, limitMicroUsd: row.limitMicroUsd };
}

/** Reads of D1 before giving up when pushed switches or revocations keep landing between a read and its push. */
const CONFIGURE_ATTEMPTS = 8;

/**
 * D1 → the project's gate, safe against concurrent changes. A ticket taken at the gate before the read orders
 * the reads there: a snapshot whose read began before a later one already in force is dropped (that one
 * includes everything this one does), and one whose read may predate a pushed kill switch or revocation is
 * read again. So a snapshot read before a change can never overwrite it, however many re-syncs race.
 * Returns the snapshot read, or null for an unknown project.
 */
export async function configureGate(
  env: Pick<Env, "PROJECT_GATE">,
  db: Database,
  projectId: string,
  placement: { locationHint?: DurableObjectLocationHint } = {},
): Promise<GateSnapshot | null> {
  const gate = projectGate(env, projectId, placement);
  for (let attempt = 0; attempt < CONFIGURE_ATTEMPTS; attempt++) {
    const ticket = await gate.readTicket();
    const snapshot = await loadGateSnapshot(db, projectId);
    if (!snapshot) return null;
    if ((await gate.configure(snapshot, ticket)) !== "stale") return snapshot;
  }
  throw new Error("kill switches or revocations kept landing at the project gate while it was being configured");
}

/** Pushes fresh snapshots to many gates (a budget or alert change of a tenant), a bounded number at a time. */
export async function reconfigureGates(
  env: Pick<Env, "PROJECT_GATE">,
  db: Database,
  projectIds: readonly string[],
): Promise<void> {
  await inBatches(projectIds, (projectId) => configureGate(env, db, projectId));
}

/** Fan-out width: enough to flip a tenant's projects quickly without opening thousands of sockets at once. */
const FAN_OUT = 50;

export async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += FAN_OUT) await Promise.all(items.slice(i, i + FAN_OUT).map(run));
}
