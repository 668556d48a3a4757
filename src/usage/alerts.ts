import { SIGNATURE_HEADER, signWebhook } from "./webhook-signature";

/**
 * Budget alerts: a tenant webhook fired once per threshold per budget per period, delivered from a Durable
 * Object's alarm with exponential backoff. The fired set and the outbox live in the same SQLite storage as
 * the counters they watch, so a threshold is recorded in the same transaction that crosses it.
 */
export const DEFAULT_ALERT_THRESHOLDS = [50, 80, 100] as const;
export const MAX_ALERT_ATTEMPTS = 8;

export interface BudgetAlert {
  type: "budget.threshold_reached";
  tenantId: string;
  /** e.g. `project:prj_x:usd:day`, `cost_center:eng:usd:month`. */
  budget: string;
  unit: "tokens" | "micro_usd";
  periodKey: string;
  thresholdPct: number;
  limit: number;
  spent: number;
  at: string;
}

/** Thresholds (percent) passed when spending went from `before` to `after` against `limit`. */
export function crossedThresholds(
  before: number,
  after: number,
  limit: number,
  thresholds: readonly number[],
): number[] {
  if (limit <= 0) return [];
  return thresholds.filter((pct) => {
    const mark = (limit * pct) / 100;
    return before < mark && after >= mark;
  });
}

/** 2 s, 4 s, 8 s … capped at 10 minutes: a receiver down for a deploy gets the alert when it returns. */
export function alertBackoffMs(attempt: number): number {
  return Math.min(600_000, 1000 * 2 ** Math.max(1, attempt));
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS alerts_fired (key TEXT PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS alert_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, body TEXT NOT NULL,
     attempts INTEGER NOT NULL, next_at INTEGER NOT NULL)`,
];

export function migrateAlerts(sql: SqlStorage): void {
  for (const statement of SCHEMA) sql.exec(statement);
}

/** Records each alert once (key: budget, period, threshold) and queues it for delivery when a URL is set. */
export function recordAlerts(sql: SqlStorage, url: string | null, alerts: readonly BudgetAlert[], now: number): number {
  let queued = 0;
  for (const alert of alerts) {
    const key = `${alert.budget}|${alert.periodKey}|${alert.thresholdPct}`;
    const inserted = sql.exec(`INSERT OR IGNORE INTO alerts_fired (key) VALUES (?)`, key).rowsWritten;
    if (inserted === 0 || !url) continue;
    sql.exec(
      `INSERT INTO alert_outbox (url, body, attempts, next_at) VALUES (?, ?, 0, ?)`,
      url,
      JSON.stringify(alert),
      now,
    );
    queued++;
  }
  return queued;
}

export function nextAlertAt(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>(`SELECT MIN(next_at) AS at FROM alert_outbox`).one().at ?? null;
}

/**
 * Delivers due alerts, signed with the tenant's webhook secret (usage/webhook-signature.ts). Redirects are not
 * followed: a receiver that answers 3xx could bounce the signed body to a host the tenant never named. A
 * non-2xx (3xx included) or network error reschedules with backoff until MAX_ALERT_ATTEMPTS.
 */
export async function deliverDueAlerts(
  sql: SqlStorage,
  now: number,
  signingSecret: (tenantId: string) => Promise<string>,
  send: typeof fetch = fetch,
): Promise<number> {
  const due = sql
    .exec<{ id: number; url: string; body: string; attempts: number }>(
      `SELECT id, url, body, attempts FROM alert_outbox WHERE next_at <= ? ORDER BY id LIMIT 20`,
      now,
    )
    .toArray();
  let delivered = 0;
  for (const row of due) {
    const { tenantId } = JSON.parse(row.body) as Pick<BudgetAlert, "tenantId">;
    const signature = await signWebhook(await signingSecret(tenantId), Math.floor(now / 1000), row.body);
    const ok = await send(row.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "tollgate-budget-alerts",
        [SIGNATURE_HEADER]: signature,
      },
      body: row.body,
    }).then(
      (res) => res.ok,
      () => false,
    );
    const attempts = row.attempts + 1;
    if (ok || attempts >= MAX_ALERT_ATTEMPTS) {
      sql.exec(`DELETE FROM alert_outbox WHERE id = ?`, row.id);
      if (ok) delivered++;
    } else {
      sql.exec(
        `UPDATE alert_outbox SET attempts = ?, next_at = ? WHERE id = ?`,
        attempts,
        now + alertBackoffMs(attempts),
        row.id,
      );
    }
  }
  return delivered;
}
