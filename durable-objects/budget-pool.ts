import { AlarmSchedule } from "../src/limits/alarm-schedule";
import { DurableObject } from "cloudflare:workers";
import { currentCounter, fits, remaining, reserve, settle, type Counter } from "../src/limits/budget";
import { SETTLED_KEEP_MS } from "../src/limits/gate-store";
import { periodKey, secondsUntilRollover, type Period } from "../src/limits/periods";
import type { BudgetLine, SharedBudgetLimit } from "../src/limits/gate-types";
import {
  crossedThresholds,
  deliverDueAlerts,
  migrateAlerts,
  nextAlertAt,
  recordAlerts,
  type BudgetAlert,
} from "../src/usage/alerts";
import { webhookSigningSecret } from "../src/usage/webhook-signature";

/**
 * One shared dollar budget scope (a tenant, or one cost center of a tenant), named `{tenantId}:{scope}:{scopeId}`.
 * Project gates call it DO-to-DO inside their own admit/settle, so two projects on one cost center draw from
 * one counter. It always counts both periods; the limits come with each call from the caller's snapshot,
 * so a budget edited in D1 applies from the next request without reconfiguring the pool.
 */
export interface PoolReserveInput {
  requestId: string;
  microUsd: number;
  budgets: SharedBudgetLimit[];
  now?: number;
}

export type PoolReserveResult =
  | { ok: true; remainingMicroUsd: number | null }
  | { ok: false; budget: string; retryAfter: number };

export interface PoolSettleInput {
  requestId: string;
  chargedMicroUsd: number;
  budgets: SharedBudgetLimit[];
  alerts?: { tenantId: string; webhookUrl: string | null; thresholds: number[] };
  now?: number;
}

/** A reservation nobody settles (its gate lost too) is charged in full after this long; see docs/limits.md. */
const POOL_ABANDON_AFTER_MS = 15 * 60_000;
const PERIODS: readonly Period[] = ["day", "month"];

interface PoolReservation {
  microUsd: number;
  periods: Record<Period, string>;
  budgets: SharedBudgetLimit[];
}

export class BudgetPool extends DurableObject<Env> {
  private readonly alarms = new AlarmSchedule(this.ctx.storage);
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS counters (period TEXT PRIMARY KEY, period_key TEXT NOT NULL, spent INTEGER NOT NULL, reserved INTEGER NOT NULL)`,
    );
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body TEXT NOT NULL)`,
    );
    this.sql.exec(`CREATE TABLE IF NOT EXISTS settled (request_id TEXT PRIMARY KEY, at INTEGER NOT NULL)`);
    // Every settle prunes by age: without the index each one would scan every id kept.
    this.sql.exec(`CREATE INDEX IF NOT EXISTS settled_at ON settled (at)`);
    migrateAlerts(this.sql);
  }

  async reserve(input: PoolReserveInput): Promise<PoolReserveResult> {
    const now = input.now ?? Date.now();
    if (this.hasReservation(input.requestId))
      return { ok: true, remainingMicroUsd: this.smallestRemaining(input.budgets, now) };
    for (const budget of input.budgets) {
      if (!fits(this.counter(budget.period, now), budget.limitMicroUsd, input.microUsd)) {
        return { ok: false, budget: budgetName(budget), retryAfter: secondsUntilRollover(budget.period, now) };
      }
    }
    this.ctx.storage.transactionSync(() => {
      for (const period of PERIODS) this.write(period, reserve(this.counter(period, now), input.microUsd));
      const body: PoolReservation = {
        microUsd: input.microUsd,
        periods: { day: periodKey("day", now), month: periodKey("month", now) },
        budgets: input.budgets,
      };
      this.sql.exec(
        `INSERT INTO reservations (request_id, created_at, body) VALUES (?, ?, ?)`,
        input.requestId,
        now,
        JSON.stringify(body),
      );
    });
    await this.alarms.ensure(now + POOL_ABANDON_AFTER_MS);
    return { ok: true, remainingMicroUsd: this.smallestRemaining(input.budgets, now) };
  }

  /** Idempotent by request id; charging 0 releases the reservation. */
  async settle(input: PoolSettleInput): Promise<{ found: boolean }> {
    const now = input.now ?? Date.now();
    const row = this.sql
      .exec<{ body: string }>(`SELECT body FROM reservations WHERE request_id = ?`, input.requestId)
      .toArray()[0];
    if (!row) return { found: this.isSettled(input.requestId) };
    const reservation = JSON.parse(row.body) as PoolReservation;
    const alerts: BudgetAlert[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const period of PERIODS) {
        const before = this.counter(period, now);
        const after = settle(before, reservation.periods[period], reservation.microUsd, input.chargedMicroUsd);
        this.write(period, after);
        for (const budget of input.budgets.filter((b) => b.period === period)) {
          for (const pct of crossedThresholds(
            before.spent,
            after.spent,
            budget.limitMicroUsd,
            input.alerts?.thresholds ?? [],
          )) {
            alerts.push(alertFor(input.alerts?.tenantId ?? "", budget, after, pct, now));
          }
        }
      }
      this.sql.exec(`DELETE FROM reservations WHERE request_id = ?`, input.requestId);
      this.sql.exec(`INSERT OR REPLACE INTO settled (request_id, at) VALUES (?, ?)`, input.requestId, now);
      this.sql.exec(`DELETE FROM settled WHERE at < ?`, now - SETTLED_KEEP_MS);
      if (alerts.length > 0) recordAlerts(this.sql, input.alerts?.webhookUrl ?? null, alerts, now);
    });
    if (alerts.length > 0) await this.alarms.ensure(now);
    return { found: true };
  }

  async status(budgets: SharedBudgetLimit[], now: number = Date.now()): Promise<BudgetLine[]> {
    return budgets.map((budget) => {
      const counter = this.counter(budget.period, now);
      return {
        name: budgetName(budget),
        unit: "micro_usd",
        period: budget.period,
        periodKey: counter.period,
        limit: budget.limitMicroUsd,
        spent: counter.spent,
        reserved: counter.reserved,
        remaining: remaining(counter, budget.limitMicroUsd),
      };
    });
  }

  override async alarm(): Promise<void> {
    this.alarms.fired();
    const now = Date.now();
    const stale = this.sql
      .exec<{ request_id: string; body: string }>(
        `SELECT request_id, body FROM reservations WHERE created_at <= ?`,
        now - POOL_ABANDON_AFTER_MS,
      )
      .toArray();
    for (const row of stale) {
      const reservation = JSON.parse(row.body) as PoolReservation;
      await this.settle({
        requestId: row.request_id,
        chargedMicroUsd: reservation.microUsd,
        budgets: reservation.budgets,
        now,
      });
    }
    await deliverDueAlerts(this.sql, now, (tenantId) => webhookSigningSecret(this.env, tenantId));
    const oldest = this.sql.exec<{ at: number | null }>(`SELECT MIN(created_at) AS at FROM reservations`).one().at;
    const candidates = [nextAlertAt(this.sql), oldest === null ? null : oldest + POOL_ABANDON_AFTER_MS].filter(
      (t): t is number => t !== null,
    );
    if (candidates.length > 0) await this.alarms.ensure(Math.max(now + 1000, Math.min(...candidates)));
  }

  private counter(period: Period, now: number): Counter {
    const row = this.sql
      .exec<{ period_key: string; spent: number; reserved: number }>(
        `SELECT period_key, spent, reserved FROM counters WHERE period = ?`,
        period,
      )
      .toArray()[0];
    return currentCounter(row && { period: row.period_key, spent: row.spent, reserved: row.reserved }, period, now);
  }

  private write(period: Period, counter: Counter): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO counters (period, period_key, spent, reserved) VALUES (?, ?, ?, ?)`,
      period,
      counter.period,
      counter.spent,
      counter.reserved,
    );
  }

  private smallestRemaining(budgets: SharedBudgetLimit[], now: number): number | null {
    const left = budgets.map((b) => remaining(this.counter(b.period, now), b.limitMicroUsd));
    return left.length > 0 ? Math.min(...left) : null;
  }

  private hasReservation(requestId: string): boolean {
    return this.sql.exec(`SELECT 1 FROM reservations WHERE request_id = ?`, requestId).toArray().length > 0;
  }

  private isSettled(requestId: string): boolean {
    return this.sql.exec(`SELECT 1 FROM settled WHERE request_id = ?`, requestId).toArray().length > 0;
  }
}

function budgetName(budget: SharedBudgetLimit): string {
  return `${budget.scope}:${budget.scopeId}:usd:${budget.period}`;
}

function alertFor(
  tenantId: string,
  budget: SharedBudgetLimit,
  counter: Counter,
  pct: number,
  now: number,
): BudgetAlert {
  return {
    type: "budget.threshold_reached",
    tenantId,
    budget: budgetName(budget),
    unit: "micro_usd",
    periodKey: counter.period,
    thresholdPct: pct,
    limit: budget.limitMicroUsd,
    spent: counter.spent,
    at: new Date(now).toISOString(),
  };
}
