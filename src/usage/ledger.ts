import { usageLedger } from "../../schema";
import type { Database } from "../db/client";

/**
 * The usage ledger: exactly one row per admitted request. The project gate writes the row into its own
 * storage in the transaction that settles the counters, then its alarm flushes batches here. The insert is
 * idempotent on `request_id`, so a batch replayed after a crash between "D1 write" and "outbox delete"
 * cannot double-count.
 */
export type LedgerRow = typeof usageLedger.$inferInsert;

/** D1 binds at most 100 parameters per statement; a row has 19 columns, so 5 rows per INSERT. */
const ROWS_PER_STATEMENT = 5;

/**
 * All the rows in one round trip: the 5-row INSERTs go as one batch (one transaction on both drivers), so a
 * flush of 100 rows is one call to the database rather than twenty.
 */
export async function insertLedgerRows(db: Database, rows: readonly LedgerRow[]): Promise<void> {
  const inserts = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    inserts.push(db.insert(usageLedger).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoNothing({ target: usageLedger.requestId }));
  }
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
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
    guardrailEvents: JSON.stringify(outcome.guardrailEvents),
    day: new Date(context.createdAt).toISOString().slice(0, 10),
    createdAt: context.createdAt,
  };
}
