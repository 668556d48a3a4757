import { and, asc, desc, eq, gt, gte, lte, or, sql, type SQL } from "drizzle-orm";
import { auditLog, usageLedger } from "../../schema";
import type { Database } from "../db/client";
import { VERIFY_START, verifyChain, type AuditEntry, type BreakReason } from "./chain";
import { fromRow } from "./writer";

export interface AuditFilter {
  /** Undefined: every chain (operator only). */
  tenantId?: string;
  /** Inclusive epoch-ms bounds on created_at. */
  from?: number;
  to?: number;
  actorId?: string;
  action?: string;
  /** Exact target, e.g. `tenant:ten_1/provider:openai`. */
  target?: string;
  /** Entries about this project or anything under it (`project:{id}` and `project:{id}/…`). */
  projectId?: string;
  limit: number;
  offset: number;
}

/** Newest first. Every filter is a bound parameter; none is interpolated into SQL. */
export async function listAuditEntries(db: Database, filter: AuditFilter): Promise<AuditEntry[]> {
  const conditions: (SQL | undefined)[] = [
    filter.tenantId !== undefined ? eq(auditLog.tenantId, filter.tenantId) : undefined,
    filter.from !== undefined ? gte(auditLog.createdAt, filter.from) : undefined,
    filter.to !== undefined ? lte(auditLog.createdAt, filter.to) : undefined,
    filter.actorId !== undefined ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.action !== undefined ? eq(auditLog.action, filter.action) : undefined,
    filter.target !== undefined ? eq(auditLog.target, filter.target) : undefined,
    filter.projectId !== undefined
      ? or(
          eq(auditLog.target, `project:${filter.projectId}`),
          sql`${auditLog.target} LIKE ${`project:${escapeLike(filter.projectId)}/%`} ESCAPE '\\'`,
        )
      : undefined,
  ];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.seq))
    .limit(filter.limit)
    .offset(filter.offset)
    .all();
  return rows.map(fromRow);
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** Hash of the last entry that verified: record it elsewhere to detect a later truncation. */
  head_hash: string | null;
  first_bad: { seq: number; id: string; reason: BreakReason } | null;
}

/** Entries per page of a verification walk: bounded memory however long the chain grows. */
const VERIFY_PAGE = 500;

/** Walks one tenant's chain in seq order, page by page, and stops at the first bad entry. */
export async function verifyTenantChain(db: Database, tenantId: string): Promise<ChainReport> {
  let state = VERIFY_START;
  let afterSeq = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), gt(auditLog.seq, afterSeq)))
      .orderBy(asc(auditLog.seq))
      .limit(VERIFY_PAGE)
      .all();
    const result = await verifyChain(rows.map(fromRow), state);
    if (!result.ok)
      return {
        ok: false,
        entries: result.state.entries,
        head_hash: headHash(result.state.entries, result.state.prevHash),
        first_bad: result.firstBad,
      };
    state = result.state;
    if (rows.length < VERIFY_PAGE)
      return { ok: true, entries: state.entries, head_hash: headHash(state.entries, state.prevHash), first_bad: null };
    const last = rows.at(-1);
    if (!last)
      return { ok: true, entries: state.entries, head_hash: headHash(state.entries, state.prevHash), first_bad: null };
    afterSeq = last.seq;
  }
}

function headHash(entries: number, prevHash: string): string | null {
  return entries === 0 ? null : prevHash;
}

export interface RequestFilter {
  tenantId?: string;
  from?: number;
  to?: number;
  projectId?: string;
  userId?: string;
  sessionId?: string;
  model?: string;
  status?: string;
  requestId?: string;
  limit: number;
  offset: number;
}

/**
 * AI interactions as metadata: the usage-ledger rows the gate writes (one per admitted request), read-only.
 * The ledger never holds prompt or answer text, so nothing here can leak content. The credential
 * fingerprint is left out: it identifies a BYOK key and is not needed to audit a request.
 */
export async function listRequests(db: Database, filter: RequestFilter) {
  const conditions: (SQL | undefined)[] = [
    filter.tenantId !== undefined ? eq(usageLedger.tenantId, filter.tenantId) : undefined,
    filter.from !== undefined ? gte(usageLedger.createdAt, filter.from) : undefined,
    filter.to !== undefined ? lte(usageLedger.createdAt, filter.to) : undefined,
    filter.projectId !== undefined ? eq(usageLedger.projectId, filter.projectId) : undefined,
    filter.userId !== undefined ? eq(usageLedger.userId, filter.userId) : undefined,
    filter.sessionId !== undefined ? eq(usageLedger.sessionId, filter.sessionId) : undefined,
    filter.model !== undefined ? eq(usageLedger.model, filter.model) : undefined,
    filter.status !== undefined ? eq(usageLedger.status, filter.status) : undefined,
    filter.requestId !== undefined ? eq(usageLedger.requestId, filter.requestId) : undefined,
  ];
  return db
    .select({
      requestId: usageLedger.requestId,
      tenantId: usageLedger.tenantId,
      projectId: usageLedger.projectId,
      costCenter: usageLedger.costCenter,
      userId: usageLedger.userId,
      sessionId: usageLedger.sessionId,
      provider: usageLedger.provider,
      model: usageLedger.model,
      promptTokens: usageLedger.promptTokens,
      completionTokens: usageLedger.completionTokens,
      costMicroUsd: usageLedger.costMicroUsd,
      latencyMs: usageLedger.latencyMs,
      status: usageLedger.status,
      guardrailEvents: usageLedger.guardrailEvents,
      createdAt: usageLedger.createdAt,
    })
    .from(usageLedger)
    .where(and(...conditions))
    .orderBy(desc(usageLedger.createdAt), desc(usageLedger.requestId))
    .limit(filter.limit)
    .offset(filter.offset)
    .all();
}

/** `%` and `_` in an id must match themselves in LIKE (ids are hex today; this keeps it true if that changes). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
