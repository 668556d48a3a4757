import { and, asc, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { usageLedger } from "../../schema";
import type { Database } from "../db/client";

/** The dimensions usage can be grouped by, mapped to their ledger columns (a whitelist: never user text in SQL). */
export const GROUP_COLUMNS = {
  tenant: usageLedger.tenantId,
  project: usageLedger.projectId,
  cost_center: usageLedger.costCenter,
  user: usageLedger.userId,
  session: usageLedger.sessionId,
  model: usageLedger.model,
} as const;
export type GroupBy = keyof typeof GROUP_COLUMNS;

export interface UsageFilter {
  /** Inclusive UTC days `YYYY-MM-DD`. */
  from: string;
  to: string;
  tenantId?: string;
  projectId?: string;
  costCenter?: string;
  userId?: string;
  sessionId?: string;
  model?: string;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micro_usd: number;
  /** Requests the response cache answered, and what they would have cost (docs/cache.md). */
  cache_hits: number;
  saved_tokens: number;
  saved_micro_usd: number;
}

const totals = {
  requests: sql<number>`count(*)`.mapWith(Number),
  prompt_tokens: sql<number>`coalesce(sum(${usageLedger.promptTokens}), 0)`.mapWith(Number),
  completion_tokens: sql<number>`coalesce(sum(${usageLedger.completionTokens}), 0)`.mapWith(Number),
  cost_micro_usd: sql<number>`coalesce(sum(${usageLedger.costMicroUsd}), 0)`.mapWith(Number),
  cache_hits: sql<number>`coalesce(sum(${usageLedger.cached}), 0)`.mapWith(Number),
  saved_tokens: sql<number>`coalesce(sum(${usageLedger.savedTokens}), 0)`.mapWith(Number),
  saved_micro_usd: sql<number>`coalesce(sum(${usageLedger.savedMicroUsd}), 0)`.mapWith(Number),
};

function where(filter: UsageFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    gte(usageLedger.day, filter.from),
    lte(usageLedger.day, filter.to),
    filter.tenantId !== undefined ? eq(usageLedger.tenantId, filter.tenantId) : undefined,
    filter.projectId !== undefined ? eq(usageLedger.projectId, filter.projectId) : undefined,
    filter.costCenter !== undefined ? eq(usageLedger.costCenter, filter.costCenter) : undefined,
    filter.userId !== undefined ? eq(usageLedger.userId, filter.userId) : undefined,
    filter.sessionId !== undefined ? eq(usageLedger.sessionId, filter.sessionId) : undefined,
    filter.model !== undefined ? eq(usageLedger.model, filter.model) : undefined,
  ];
  return and(...conditions);
}

/** Totals per group, most expensive first. */
export async function usageByGroup(db: Database, filter: UsageFilter, groupBy: GroupBy) {
  const column = GROUP_COLUMNS[groupBy];
  return db
    .select({ key: column, ...totals })
    .from(usageLedger)
    .where(where(filter))
    .groupBy(column)
    .orderBy(desc(totals.cost_micro_usd), asc(column))
    .all();
}

export async function usageTotal(db: Database, filter: UsageFilter): Promise<UsageTotals> {
  const row = await db.select(totals).from(usageLedger).where(where(filter)).get();
  return (
    row ?? {
      requests: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cost_micro_usd: 0,
      cache_hits: 0,
      saved_tokens: 0,
      saved_micro_usd: 0,
    }
  );
}

/** Daily series, optionally split by a dimension; days without usage are absent (the client fills gaps). */
export async function usageTimeseries(db: Database, filter: UsageFilter, groupBy?: GroupBy) {
  const column = groupBy ? GROUP_COLUMNS[groupBy] : sql<null>`null`;
  return db
    .select({ day: usageLedger.day, key: column, ...totals })
    .from(usageLedger)
    .where(where(filter))
    .groupBy(usageLedger.day, column)
    .orderBy(asc(usageLedger.day), asc(column))
    .all();
}

/** Raw ledger rows for export, oldest first, capped so one request cannot pull an unbounded table. */
export async function ledgerRows(db: Database, filter: UsageFilter, limit: number) {
  return db
    .select()
    .from(usageLedger)
    .where(where(filter))
    .orderBy(asc(usageLedger.createdAt), asc(usageLedger.requestId))
    .limit(limit)
    .all();
}

type LedgerSelect = typeof usageLedger.$inferSelect;

export const CSV_COLUMNS = [
  "request_id",
  "created_at",
  "day",
  "tenant_id",
  "project_id",
  "cost_center",
  "user_id",
  "session_id",
  "provider",
  "model",
  "prompt_tokens",
  "completion_tokens",
  "cost_micro_usd",
  "latency_ms",
  "status",
  "cached",
  "saved_tokens",
  "saved_micro_usd",
] as const;

/**
 * RFC 4180 CSV of ledger rows. User and session ids come from JWT claims the tenant's users control, so a
 * cell starting with = + - @ is prefixed with ' (spreadsheet formula injection).
 */
export function ledgerCsv(rows: readonly LedgerSelect[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const cells = [
      r.requestId,
      new Date(r.createdAt).toISOString(),
      r.day,
      r.tenantId,
      r.projectId,
      r.costCenter,
      r.userId,
      r.sessionId,
      r.provider,
      r.model,
      r.promptTokens,
      r.completionTokens,
      r.costMicroUsd,
      r.latencyMs,
      r.status,
      r.cached,
      r.savedTokens,
      r.savedMicroUsd,
    ];
    lines.push(cells.map(csvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
