import { currentCounter, settle } from "../../src/limits/budget";
import { localBudgets, type PoolRef } from "../../src/limits/budget-lines";
import * as store from "../../src/limits/gate-store";
import type { SettleInput, SettleResult } from "../../src/limits/gate-types";
import { periodKey } from "../../src/limits/periods";
import { type BudgetAlert, crossedThresholds, recordAlerts } from "../../src/usage/alerts";
import { ledgerRow } from "../../src/usage/ledger";
import type { GateContext } from "./context";
import { drainPools } from "./pools";
import { remainingOf, type ReservedLine, type StoredReservation } from "./reservation";
import { SettleBatch } from "./settle-batch";

/** Rows wait this long so that one flush carries a batch rather than a single row. */
const FLUSH_DELAY_MS = 2_000;

/**
 * Settles a batch (workers queue settlements for a few milliseconds, src/data-plane/settle-queue.ts) in one
 * transaction — one commit for many requests. Idempotent by request id; charges what the caller reports.
 * Returns one result per input, in order.
 */
export async function settleMany(gate: GateContext, inputs: readonly SettleInput[]): Promise<SettleResult[]> {
  const pools = new Map<string, PoolRef>();
  const results = gate.storage.transactionSync(() => {
    const batch = new SettleBatch();
    const settled = inputs.map((input) => {
      const outcome = settleInTurn(gate, input, batch);
      for (const pool of outcome.pools) pools.set(pool.name, pool);
      return outcome.result;
    });
    // Also commits whatever admission left pending; then the batch's rows, a statement per table.
    gate.state.writePending();
    batch.write(gate.sql);
    return settled;
  });
  if (pools.size > 0) await drainPools(gate, [...pools.values()]);
  await gate.alarms.ensure(Date.now() + FLUSH_DELAY_MS);
  return results;
}

/** One settlement inside settleMany's transaction; its rows go into `batch`, written once at the end. */
function settleInTurn(
  gate: GateContext,
  input: SettleInput,
  batch: SettleBatch,
): { result: SettleResult; pools: PoolRef[] } {
  const now = input.now ?? Date.now();
  const earlier = batch.resultFor(input.requestId);
  if (earlier) return { result: earlier, pools: [] };
  let reservation = gate.state.unwrittenReservation<StoredReservation>(input.requestId);
  if (reservation) gate.state.dropUnwritten(input.requestId);
  else {
    const stored = store.settledOrReservation<SettleResult, StoredReservation>(gate.sql, input.requestId);
    if (stored.settled) return { result: stored.settled, pools: [] };
    reservation = stored.reservation;
    if (reservation) batch.deleteReservation(input.requestId);
  }
  reservation ??= lostReservation(gate, input);
  if (!reservation)
    return {
      result: { found: false, chargedTokens: 0, chargedMicroUsd: 0, remaining: { tokens: 0, microUsd: null } },
      pools: [],
    };
  const chargedTokens = Math.max(0, Math.round(input.promptTokens + input.completionTokens));
  const chargedMicroUsd = Math.max(0, Math.round(input.costMicroUsd));
  const alerts: BudgetAlert[] = [];
  for (const line of reservation.lines) {
    const before = currentCounter(gate.state.counter(line.key), line.period, now);
    const after = settle(before, line.periodKey, line.amount, line.unit === "tokens" ? chargedTokens : chargedMicroUsd);
    gate.state.setCounter(line.key, after);
    if (line.alerts) alerts.push(...alertsFor(gate, line, before.spent, after.spent, after.period, now));
  }
  batch.ledger.push({ requestId: input.requestId, row: ledgerRow(reservation, input) });
  for (const pool of reservation.pools) {
    store.enqueuePoolSettlement(gate.sql, {
      requestId: input.requestId,
      pool: pool.name,
      charged: chargedMicroUsd,
      at: now,
    });
  }
  recordAlerts(gate.sql, gate.config.snapshot?.alerts.webhookUrl ?? null, alerts, now);
  const result: SettleResult = {
    found: true,
    chargedTokens,
    chargedMicroUsd,
    remaining: remainingOf(gate, reservation.lines, now),
  };
  batch.settle(input.requestId, now, result);
  return { result, pools: reservation.pools };
}

/**
 * The reservation of a request this gate admitted but no longer holds: an object restart inside the
 * write-behind window (gate-state.ts) dropped it before it was written. Rebuilt from the settle input and
 * the snapshot with nothing reserved, so settling charges what was used and writes the ledger row. Shared
 * pools are not charged for such a request (their reservation, if any, expires at the pool).
 */
function lostReservation(gate: GateContext, input: SettleInput): StoredReservation | undefined {
  const snap = gate.config.snapshot;
  if (!snap || input.userId === undefined || input.admittedAt === undefined) return undefined;
  const admittedAt = input.admittedAt;
  return {
    requestId: input.requestId,
    userId: input.userId,
    provider: input.provider,
    model: input.model,
    createdAt: admittedAt,
    tokens: 0,
    microUsd: 0,
    lines: localBudgets(snap.settings, input.userId).map((line) => ({
      ...line,
      periodKey: periodKey(line.period, admittedAt),
      amount: 0,
    })),
    pools: [],
    tenantId: snap.tenantId,
    projectId: snap.projectId,
    costCenter: snap.costCenter,
  };
}

function alertsFor(
  gate: GateContext,
  line: ReservedLine,
  before: number,
  after: number,
  key: string,
  now: number,
): BudgetAlert[] {
  const snap = gate.config.snapshot;
  if (!snap) return [];
  return crossedThresholds(before, after, line.limit, snap.alerts.thresholds).map((pct) => ({
    type: "budget.threshold_reached",
    tenantId: snap.tenantId,
    budget: `project:${snap.projectId}:${line.key.slice("project:".length)}`,
    unit: line.unit,
    periodKey: key,
    thresholdPct: pct,
    limit: line.limit,
    spent: after,
    at: new Date(now).toISOString(),
  }));
}
