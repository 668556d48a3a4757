import type { Counter } from "./budget";

/**
 * The project gate's SQLite layout (Durable Object storage, synchronous API so one admit or settle is one
 * uninterrupted turn). Documented in docs/limits.md ("Storage").
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, period TEXT NOT NULL, spent INTEGER NOT NULL, reserved INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ledger_outbox (request_id TEXT PRIMARY KEY, body TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS settled (request_id TEXT PRIMARY KEY, at INTEGER NOT NULL, result TEXT NOT NULL)`,
  // The alarm prunes by age every few seconds while busy: without this it scans every kept result each time.
  `CREATE INDEX IF NOT EXISTS settled_at ON settled (at)`,
  `CREATE TABLE IF NOT EXISTS pool_outbox (request_id TEXT NOT NULL, pool TEXT NOT NULL, charged INTEGER NOT NULL,
     at INTEGER NOT NULL, PRIMARY KEY (request_id, pool))`,
];

export function migrateGate(sql: SqlStorage): void {
  for (const statement of SCHEMA) sql.exec(statement);
}

export function readMeta<T>(sql: SqlStorage, key: string): T | undefined {
  const row = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export function writeMeta(sql: SqlStorage, key: string, value: unknown): void {
  sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, JSON.stringify(value));
}

export function readCounter(sql: SqlStorage, key: string): Counter | undefined {
  return sql
    .exec<{ period: string; spent: number; reserved: number }>(
      `SELECT period, spent, reserved FROM counters WHERE key = ?`,
      key,
    )
    .toArray()[0];
}

export function writeCounter(sql: SqlStorage, key: string, counter: Counter): void {
  sql.exec(
    `INSERT OR REPLACE INTO counters (key, period, spent, reserved) VALUES (?, ?, ?, ?)`,
    key,
    counter.period,
    counter.spent,
    counter.reserved,
  );
}

/*
 * Batched writes take their rows as one JSON array that SQLite unpacks with json_each: one statement per
 * batch instead of one per row (each `exec` is a trip into the runtime and a cursor, which is most of what
 * a small write costs). Bodies travel as JSON strings inside the array, so the stored text is exactly
 * JSON.stringify's.
 */

/** `INSERT {into} (…) SELECT … FROM json_each(?)`: one statement for all `rows`, each a record of column → value (columns are ours, never input). */
function insertRows(sql: SqlStorage, into: string, rows: readonly Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  if (columns.length === 0) return;
  const values = columns.map((column) => `json_extract(value, '$.${column}')`).join(", ");
  sql.exec(`INSERT ${into} (${columns.join(", ")}) SELECT ${values} FROM json_each(?)`, JSON.stringify(rows));
}

export function insertReservations(
  sql: SqlStorage,
  rows: readonly { requestId: string; createdAt: number; body: unknown }[],
): void {
  insertRows(
    sql,
    "INTO reservations",
    rows.map((r) => ({ request_id: r.requestId, created_at: r.createdAt, body: JSON.stringify(r.body) })),
  );
}

/** Whether a request id was ever admitted here and is not yet forgotten (reserved or settled). */
export function requestIdKnown(sql: SqlStorage, requestId: string): boolean {
  return (
    sql
      .exec(
        `SELECT 1 FROM reservations WHERE request_id = ? UNION ALL SELECT 1 FROM settled WHERE request_id = ? LIMIT 1`,
        requestId,
        requestId,
      )
      .toArray().length > 0
  );
}

/** A request's stored settle result, or else its stored reservation: one query for settlement's lookup. */
export function settledOrReservation<S, R>(sql: SqlStorage, requestId: string): { settled?: S; reservation?: R } {
  const row = sql
    .exec<{ kind: number; body: string }>(
      `SELECT 0 AS kind, result AS body FROM settled WHERE request_id = ? UNION ALL SELECT 1, body FROM reservations WHERE request_id = ? ORDER BY kind LIMIT 1`,
      requestId,
      requestId,
    )
    .toArray()[0];
  if (!row) return {};
  return row.kind === 0 ? { settled: JSON.parse(row.body) as S } : { reservation: JSON.parse(row.body) as R };
}

export function deleteReservations(sql: SqlStorage, requestIds: readonly string[]): void {
  if (requestIds.length > 0)
    sql.exec(
      `DELETE FROM reservations WHERE request_id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(requestIds),
    );
}

export function writeSettledRows(
  sql: SqlStorage,
  rows: readonly { requestId: string; at: number; result: unknown }[],
): void {
  insertRows(
    sql,
    "INTO settled",
    rows.map((r) => ({ request_id: r.requestId, at: r.at, result: JSON.stringify(r.result) })),
  );
}

export function enqueueLedgerRows(sql: SqlStorage, rows: readonly { requestId: string; row: unknown }[]): void {
  insertRows(
    sql,
    "OR IGNORE INTO ledger_outbox",
    rows.map((r) => ({ request_id: r.requestId, body: JSON.stringify(r.row) })),
  );
}

export function readReservation<T>(sql: SqlStorage, requestId: string): T | undefined {
  const row = sql.exec<{ body: string }>(`SELECT body FROM reservations WHERE request_id = ?`, requestId).toArray()[0];
  return row ? (JSON.parse(row.body) as T) : undefined;
}

export function deleteReservation(sql: SqlStorage, requestId: string): void {
  sql.exec(`DELETE FROM reservations WHERE request_id = ?`, requestId);
}

export function staleReservationIds(sql: SqlStorage, olderThan: number): string[] {
  return sql
    .exec<{ request_id: string }>(`SELECT request_id FROM reservations WHERE created_at <= ?`, olderThan)
    .toArray()
    .map((r) => r.request_id);
}

export function oldestReservationAt(sql: SqlStorage): number | null {
  const row = sql.exec<{ at: number | null }>(`SELECT MIN(created_at) AS at FROM reservations`).toArray()[0];
  return row?.at ?? null;
}

/**
 * How long a settle result stays to answer a repeated settle (project gate and budget pool alike): past the
 * longest stream that outlives its abandonment (ABANDON_AFTER_MS), and short enough that a gate settling
 * ~850 requests/s keeps ≈ 6 M rows (≈ 1.2 GB), well inside a Durable Object's storage, where a day kept ≈ 73 M.
 */
export const SETTLED_KEEP_MS = 2 * 3_600_000;

/** Drops settle results older than `olderThan` (through the index on `at`). */
export function pruneSettled(sql: SqlStorage, olderThan: number): void {
  sql.exec(`DELETE FROM settled WHERE at < ?`, olderThan);
}

export function pendingLedger<T>(sql: SqlStorage, limit: number): T[] {
  return sql
    .exec<{ body: string }>(`SELECT body FROM ledger_outbox ORDER BY rowid LIMIT ?`, limit)
    .toArray()
    .map((r) => JSON.parse(r.body) as T);
}

export function dropLedger(sql: SqlStorage, requestIds: readonly string[]): void {
  if (requestIds.length > 0)
    sql.exec(
      `DELETE FROM ledger_outbox WHERE request_id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(requestIds),
    );
}

export function countRows(sql: SqlStorage, table: "ledger_outbox" | "pool_outbox" | "reservations"): number {
  return sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
}

export interface PoolSettlement {
  requestId: string;
  pool: string;
  charged: number;
  /** When the request settled: the pool charges the period of that instant. */
  at: number;
}

export function enqueuePoolSettlement(sql: SqlStorage, s: PoolSettlement): void {
  sql.exec(
    `INSERT OR REPLACE INTO pool_outbox (request_id, pool, charged, at) VALUES (?, ?, ?, ?)`,
    s.requestId,
    s.pool,
    s.charged,
    s.at,
  );
}

export function pendingPoolSettlements(sql: SqlStorage): PoolSettlement[] {
  return sql
    .exec<{ request_id: string; pool: string; charged: number; at: number }>(
      `SELECT request_id, pool, charged, at FROM pool_outbox`,
    )
    .toArray()
    .map((r) => ({ requestId: r.request_id, pool: r.pool, charged: r.charged, at: r.at }));
}

export function dropPoolSettlement(sql: SqlStorage, s: PoolSettlement): void {
  sql.exec(`DELETE FROM pool_outbox WHERE request_id = ? AND pool = ?`, s.requestId, s.pool);
}

/** Replaces the body of a stored reservation (a deferred one, reserved after a cache miss). */
export function updateReservation(sql: SqlStorage, requestId: string, body: unknown): void {
  sql.exec(`UPDATE reservations SET body = ? WHERE request_id = ?`, JSON.stringify(body), requestId);
}
