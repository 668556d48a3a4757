import { type PoolRef, poolsFor } from "../../src/limits/budget-lines";
import { budgetPool } from "../../src/limits/gate-client";
import * as store from "../../src/limits/gate-store";
import type { AdmitDenial } from "../../src/limits/gate-types";
import type { GateContext } from "./context";
import type { StoredReservation } from "./reservation";

/**
 * Reserves the request's worst case at each shared (tenant, cost-center) BudgetPool. A refusal releases the
 * pools already reserved and returns the denial; otherwise the smallest dollar amount the pools have left.
 */
export async function reservePools(
  gate: GateContext,
  reservation: StoredReservation,
  now: number,
): Promise<{ ok: true; remainingMicroUsd: number | null } | AdmitDenial> {
  let smallest: number | null = null;
  const reserved: PoolRef[] = [];
  for (const pool of reservation.pools) {
    const result = await budgetPool(gate.env, pool.name).reserve({
      requestId: reservation.requestId,
      microUsd: reservation.microUsd,
      budgets: pool.budgets,
      now,
    });
    if (!result.ok) {
      for (const done of reserved)
        await budgetPool(gate.env, done.name).settle({
          requestId: reservation.requestId,
          chargedMicroUsd: 0,
          budgets: done.budgets,
          now,
        });
      return { ok: false, reason: "budget", budget: result.budget, retryAfter: result.retryAfter };
    }
    reserved.push(pool);
    if (result.remainingMicroUsd !== null) smallest = Math.min(smallest ?? Infinity, result.remainingMicroUsd);
  }
  return { ok: true, remainingMicroUsd: smallest };
}

/** Pushes queued pool settlements (all, or those of the given pools' refs); failures stay queued for the alarm. */
export async function drainPools(gate: GateContext, only: PoolRef[] | null): Promise<void> {
  const snap = gate.config.snapshot;
  const budgetsOf = new Map(
    (only ?? poolsFor(snap?.tenantId ?? "", snap?.sharedBudgets ?? [])).map((p) => [p.name, p.budgets]),
  );
  for (const pending of store.pendingPoolSettlements(gate.sql)) {
    if (only && !budgetsOf.has(pending.pool)) continue;
    const alerts = snap
      ? { tenantId: snap.tenantId, webhookUrl: snap.alerts.webhookUrl, thresholds: snap.alerts.thresholds }
      : undefined;
    await budgetPool(gate.env, pending.pool).settle({
      requestId: pending.requestId,
      chargedMicroUsd: pending.charged,
      budgets: budgetsOf.get(pending.pool) ?? [],
      alerts,
      now: pending.at,
    });
    store.dropPoolSettlement(gate.sql, pending);
  }
}
