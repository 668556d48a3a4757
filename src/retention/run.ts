import { and, asc, eq, gt, gte, inArray, isNotNull, sql } from "drizzle-orm";
import { projects, retentionSweeps, tiers, usageLedger } from "../../schema";
import { database, type Database } from "../db/client";
import { projectSettings } from "../db/projects";
import { memoryKey } from "../memory/key";
import { createMemoryStore } from "../memory/store";
import type { MemoryStore } from "../memory/types";
import { effectiveRetentionDays, planSweep, sweepWindow, type SessionActivity } from "./plan";

/**
 * Per run, at most this many conversations are cleared: each clear is one subrequest (a Durable Object or
 * Redis call) and a scheduled invocation has a subrequest budget. What is left waits for the next run.
 */
export const DEFAULT_RUN_BUDGET = 500;
/** Per project per run, so one busy project cannot starve the others. */
export const DEFAULT_PROJECT_BATCH = 200;

export interface RetentionReport {
  projects: number;
  purged: number;
  failed: number;
}

/**
 * The scheduled retention job: for each project, clears the conversations due under its current
 * `retention_days` (src/retention/plan.ts explains the window) and advances its watermark. A project
 * whose clears partly fail keeps its old watermark, so the next run retries them.
 *
 * Kept deliberately: usage-ledger rows (billing records without content; the FinOps and audit APIs read
 * them) and the audit log (append-only, hash-chained: deleting from it is exactly what verify detects).
 */
export async function runRetention(
  env: Pick<Env, "DB" | "MEMORY" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">,
  options: { now?: number; store?: MemoryStore; runBudget?: number; projectBatch?: number } = {},
): Promise<RetentionReport> {
  const now = options.now ?? Date.now();
  const db = database(env);
  const store = options.store ?? createMemoryStore(env);
  let budget = options.runBudget ?? DEFAULT_RUN_BUDGET;
  const report: RetentionReport = { projects: 0, purged: 0, failed: 0 };

  for (const project of await retentionTargets(db)) {
    if (budget <= 0) break;
    report.projects++;
    const window = sweepWindow(now, project.retentionDays, project.sweptThrough);
    if (!window) continue;
    const batch = Math.min(budget, options.projectBatch ?? DEFAULT_PROJECT_BATCH);
    const plan = planSweep(
      project.id,
      window,
      await sessionsInWindow(db, project.id, window.after, window.through, batch),
      batch,
    );
    budget -= plan.purge.length;
    const results = await Promise.allSettled(plan.purge.map((scope) => store.clear(memoryKey(scope))));
    const failed = results.filter((result) => result.status === "rejected").length;
    report.purged += plan.purge.length - failed;
    report.failed += failed;
    if (failed === 0) await saveWatermark(db, project.id, plan.sweptThrough, now);
  }
  return report;
}

interface RetentionTarget {
  id: string;
  retentionDays: number;
  sweptThrough: number | null;
}

async function retentionTargets(db: Database): Promise<RetentionTarget[]> {
  const rows = await db
    .select({ id: projects.id, settings: projects.settings, sweptThrough: retentionSweeps.sweptThrough })
    .from(projects)
    .leftJoin(retentionSweeps, eq(retentionSweeps.projectId, projects.id))
    .orderBy(asc(projects.id))
    .all();
  if (rows.length === 0) return [];
  const tierRows = await db
    .select({ projectId: tiers.projectId, overrides: tiers.overrides })
    .from(tiers)
    .where(
      inArray(
        tiers.projectId,
        rows.map((r) => r.id),
      ),
    )
    .all();
  return rows.map((row) => ({
    id: row.id,
    retentionDays: effectiveRetentionDays(
      projectSettings(row).retention_days,
      tierRows.filter((tier) => tier.projectId === row.id).map((tier) => tierRetention(tier.overrides)),
    ),
    sweptThrough: row.sweptThrough ?? null,
  }));
}

function tierRetention(overrides: string): number | undefined {
  const days = (JSON.parse(overrides) as { retention_days?: unknown }).retention_days;
  return typeof days === "number" ? days : undefined;
}

/**
 * Sessions whose newest ledger row falls in (after, through], oldest first. Only rows newer than `after`
 * can make a session's newest row fall in the window, so older rows are skipped (by day, for the index).
 */
async function sessionsInWindow(
  db: Database,
  projectId: string,
  after: number,
  through: number,
  limit: number,
): Promise<SessionActivity[]> {
  const lastSeen = sql<number>`max(${usageLedger.createdAt})`.mapWith(Number);
  const rows = await db
    .select({ userId: usageLedger.userId, sessionId: usageLedger.sessionId, lastSeenAt: lastSeen })
    .from(usageLedger)
    .where(
      and(
        eq(usageLedger.projectId, projectId),
        isNotNull(usageLedger.sessionId),
        gte(usageLedger.day, new Date(Math.max(0, after)).toISOString().slice(0, 10)),
        gt(usageLedger.createdAt, after),
      ),
    )
    .groupBy(usageLedger.userId, usageLedger.sessionId)
    .having(sql`max(${usageLedger.createdAt}) <= ${through}`)
    .orderBy(asc(lastSeen))
    .limit(limit)
    .all();
  // The query keeps only rows with a session id; the filter narrows the type to match.
  return rows.flatMap((row) =>
    row.sessionId === null ? [] : [{ userId: row.userId, sessionId: row.sessionId, lastSeenAt: row.lastSeenAt }],
  );
}

async function saveWatermark(db: Database, projectId: string, sweptThrough: number, now: number): Promise<void> {
  await db
    .insert(retentionSweeps)
    .values({ projectId, sweptThrough, updatedAt: now })
    .onConflictDoUpdate({ target: retentionSweeps.projectId, set: { sweptThrough, updatedAt: now } })
    .run();
}
