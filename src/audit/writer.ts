import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { auditLog } from "../../schema";
import { database, type Database } from "../db/client";
import { newId } from "../db/ids";
import { isUniqueViolation } from "../db/unique-violation";
import type { Actor, ControlPlaneEnv } from "../http/app-env";
import { canonicalJson, chainEntry, type AuditEntry } from "./chain";
import { redactSecrets } from "./redact";

/** One control-plane change as a route describes it. `before`/`after` are public views; secrets are dropped anyway. */
export interface AuditChange {
  /** Whose chain: the tenant the change belongs to, or GLOBAL_CHAIN for tenant-less operator actions. */
  tenantId: string;
  /** Dotted verb, e.g. `project.settings.update`, `api_key.rotate` (docs/audit.md lists them). */
  action: string;
  /** Hierarchical resource name, e.g. `project:prj_1/api_key:key_2` (see auditTarget). */
  target: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Concurrent writers to one chain race for the same `seq`; the unique (tenant_id, seq) index lets exactly
 * one win and the others re-read the head and retry. Each retry means another writer made progress, so
 * this only runs out under a burst of more than this many simultaneous changes to one tenant.
 */
const MAX_ATTEMPTS = 20;

/**
 * Appends one entry to a tenant's chain: read the head, link, insert; on a UNIQUE conflict (another entry
 * took that seq first) read the new head and try again. The chain therefore never forks: seq is dense and
 * every prev_hash is the hash of the entry with seq − 1.
 */
export async function appendAudit(
  db: Database,
  actor: Actor,
  change: AuditChange,
  now: number = Date.now(),
): Promise<AuditEntry> {
  const content = {
    id: newId("aud"),
    tenant_id: change.tenantId,
    actor_id: actor.id,
    actor_role: actor.kind,
    action: change.action,
    target: change.target,
    before: change.before === undefined || change.before === null ? null : canonicalJson(redactSecrets(change.before)),
    after: change.after === undefined || change.after === null ? null : canonicalJson(redactSecrets(change.after)),
    created_at: now,
  };
  for (let attempt = 1; ; attempt++) {
    const head = await chainHead(db, change.tenantId);
    const entry = await chainEntry(head, content);
    try {
      await db.insert(auditLog).values(toRow(entry)).run();
      return entry;
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= MAX_ATTEMPTS) throw err;
      // Jitter spreads writers that collided so they do not collide again on the next head.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** For routes: records a change made by the calling actor. Awaited, so a change is never reported done unlogged. */
export function recordAudit(c: Context<ControlPlaneEnv>, change: AuditChange): Promise<AuditEntry> {
  return appendAudit(database(c.env), c.get("actor"), change);
}

/** Builds a hierarchical target name: auditTarget(["project", id], ["api_key", keyId]) → `project:id/api_key:keyId`. */
export function auditTarget(...parts: [kind: string, id: string][]): string {
  return parts.map(([kind, id]) => `${kind}:${id}`).join("/");
}

async function chainHead(db: Database, tenantId: string): Promise<{ seq: number; hash: string } | null> {
  const row = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenantId))
    .orderBy(desc(auditLog.seq))
    .limit(1)
    .get();
  return row ?? null;
}

function toRow(entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    id: entry.id,
    tenantId: entry.tenant_id,
    seq: entry.seq,
    actorId: entry.actor_id,
    actorRole: entry.actor_role,
    action: entry.action,
    target: entry.target,
    before: entry.before,
    after: entry.after,
    createdAt: entry.created_at,
    prevHash: entry.prev_hash,
    hash: entry.hash,
  };
}

export function fromRow(row: typeof auditLog.$inferSelect): AuditEntry {
  return {
    id: row.id,
    tenant_id: row.tenantId,
    seq: row.seq,
    actor_id: row.actorId,
    actor_role: row.actorRole,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    created_at: row.createdAt,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}
