import { getTableColumns, sql } from "drizzle-orm";
import { usageLedger } from "../../schema";
import type { Database } from "../db/database";

/**
 * The usage ledger: exactly one row per admitted request. The project gate writes the row into its own
 * storage in the transaction that settles the counters, then its alarm flushes batches here. The insert is
 * idempotent on `request_id`, so a batch replayed after a crash between "D1 write" and "outbox delete"
 * cannot double-count.
 */
export type LedgerRow = typeof usageLedger.$inferInsert;

/**
 * All the rows in one statement with one bound parameter: the batch travels as a JSON array that SQLite
 * unpacks with `json_each`, so a flush of 100 rows is one round trip and one parameter, whatever D1's
 * 100-parameter limit. Column names and JSON paths come from the schema, never from a row.
 */
export async function insertLedgerRows(db: Database, rows: readonly LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(usageLedger));
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  // A row queued before a column existed lacks it: a numeric column default fills in (its value is the schema's).
  const values = sql.join(
    columns.map(([key, column]) =>
      typeof column.default === "number"
        ? sql.raw(`coalesce(json_extract(value, '$.${key}'), ${column.default})`)
        : sql.raw(`json_extract(value, '$.${key}')`),
    ),
    sql`, `,
  );
  await db.run(
    sql`INSERT INTO ${usageLedger} (${names}) SELECT ${values} FROM json_each(${JSON.stringify(rows)}) WHERE true ON CONFLICT (request_id) DO NOTHING`,
  );
}

export interface LedgerContext {
  tenantId: string;
  projectId: string;
  costCenter: string | null;
  userId: string;
  createdAt: number;
}

export interface LedgerOutcome {
  requestId: string;
  sessionId?: string | null;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costMicroUsd: number;
  priceVersion?: string | null;
  credentialFingerprint?: string | null;
  latencyMs: number;
  status: string;
  guardrailEvents: readonly unknown[];
  /** Answered by the response cache: what the answer cost when it was made (nothing is charged now). */
  cached?: { savedTokens: number; savedMicroUsd: number } | null;
}

/** The row for one settled request; `day` is the UTC day the request was admitted. */
export function ledgerRow(context: LedgerContext, outcome: LedgerOutcome): LedgerRow {
  return {
    requestId: outcome.requestId,
    tenantId: context.tenantId,
    projectId: context.projectId,
    costCenter: context.costCenter,
    userId: context.userId,
    sessionId: outcome.sessionId ?? null,
    provider: outcome.provider,
    model: outcome.model,
    promptTokens: Math.max(0, Math.round(outcome.promptTokens)),
    completionTokens: Math.max(0, Math.round(outcome.completionTokens)),
    costMicroUsd: Math.max(0, Math.round(outcome.costMicroUsd)),
    priceVersion: outcome.priceVersion ?? null,
    credentialFingerprint: outcome.credentialFingerprint ?? null,
    latencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    status: outcome.status,
    cached: outcome.cached ? 1 : 0,
    savedTokens: Math.max(0, Math.round(outcome.cached?.savedTokens ?? 0)),
    savedMicroUsd: Math.max(0, Math.round(outcome.cached?.savedMicroUsd ?? 0)),
    guardrailEvents: JSON.stringify(outcome.guardrailEvents),
    day: new Date(context.createdAt).toISOString().slice(0, 10),
    createdAt: context.createdAt,
  };
}
