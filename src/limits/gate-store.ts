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

export function insertReservation(sql: SqlStorage, requestId: string, createdAt: number, body: unknown): void {
  sql.exec(`INSERT INTO reservations (request_id, created_at, body) VALUES (?, ?, ?)`, requestId, createdAt, JSON.stringify(body));
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

export function readSettled<T>(sql: SqlStorage, requestId: string): T | undefined {
  const row = sql.exec<{ result: string }>(`SELECT result FROM settled WHERE request_id = ?`, requestId).toArray()[0];
  return row ? (JSON.parse(row.result) as T) : undefined;
}

export function writeSettled(sql: SqlStorage, requestId: string, at: number, result: unknown): void {
  sql.exec(`INSERT INTO settled (request_id, at, result) VALUES (?, ?, ?)`, requestId, at, JSON.stringify(result));
}

/** Settle results are kept a day so a retried settle (waitUntil retry, alarm replay) stays idempotent. */
export function pruneSettled(sql: SqlStorage, olderThan: number): void {
  sql.exec(`DELETE FROM settled WHERE at < ?`, olderThan);
}

export function enqueueLedger(sql: SqlStorage, requestId: string, row: unknown): void {
  sql.exec(`INSERT OR IGNORE INTO ledger_outbox (request_id, body) VALUES (?, ?)`, requestId, JSON.stringify(row));
}

export function pendingLedger<T>(sql: SqlStorage, limit: number): T[] {
  return sql
    .exec<{ body: string }>(`SELECT body FROM ledger_outbox ORDER BY rowid LIMIT ?`, limit)
    .toArray()
    .map((r) => JSON.parse(r.body) as T);
}

export function dropLedger(sql: SqlStorage, requestIds: readonly string[]): void {
  for (const id of requestIds) sql.exec(`DELETE FROM ledger_outbox WHERE request_id = ?`, id);
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
  sql.exec(`INSERT OR REPLACE INTO pool_outbox (request_id, pool, charged, at) VALUES (?, ?, ?, ?)`,
    s.requestId,
    s.pool,
    s.charged,
    s.at,
  );
}

export function pendingPoolSettlements(sql: SqlStorage): PoolSettlement[] {
  return sql
    .exec<{ request_id: string; pool: string; charged: number; at: number }>(`SELECT request_id, pool, charged, at FROM pool_outbox`)
    .toArray()
    .map((r) => ({ requestId: r.request_id, pool: r.pool, charged: r.charged, at: r.at }));
}

export function dropPoolSettlement(sql: SqlStorage, s: PoolSettlement): void {
  sql.exec(`DELETE FROM pool_outbox WHERE request_id = ? AND pool = ?`, s.requestId, s.pool);
}
