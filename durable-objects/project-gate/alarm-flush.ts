import { database } from "../../src/db/client";
import * as store from "../../src/limits/gate-store";
import { deliverDueAlerts, nextAlertAt } from "../../src/usage/alerts";
import { insertLedgerRows, type LedgerRow } from "../../src/usage/ledger";
import { webhookSigningSecret } from "../../src/usage/webhook-signature";
import { ABANDON_AFTER_MS } from "./admission";
import type { GateContext } from "./context";
import { drainPools } from "./pools";
import type { StoredReservation } from "./reservation";
import { settleMany } from "./settlement";

const FLUSH_BATCH = 100;
/** How soon the alarm tries again when D1 or a pool was unreachable. */
const RETRY_AFTER_MS = 10_000;

/** Copies settled rows to the system of record (idempotent), then drops them here. */
export async function flushLedger(gate: GateContext): Promise<{ flushed: number; pending: number }> {
  let flushed = 0;
  for (;;) {
    const rows = store.pendingLedger<LedgerRow>(gate.sql, FLUSH_BATCH);
    if (rows.length === 0) break;
    await insertLedgerRows(database(gate.env), rows);
    store.dropLedger(
      gate.sql,
      rows.map((r) => r.requestId),
    );
    flushed += rows.length;
  }
  return { flushed, pending: store.countRows(gate.sql, "ledger_outbox") };
}

/**
 * The gate's alarm: commits pending writes, settles abandoned reservations, prunes old settlements, pushes
 * pool settlements and ledger rows out, delivers due alerts, and schedules itself for whichever is next.
 */
export async function runAlarm(gate: GateContext): Promise<void> {
  gate.alarms.fired();
  const now = Date.now();
  gate.storage.transactionSync(() => gate.state.writePending());
  for (const requestId of store.staleReservationIds(gate.sql, now - ABANDON_AFTER_MS)) {
    await settleAbandoned(gate, requestId, now);
  }
  store.pruneSettled(gate.sql, now - store.SETTLED_KEEP_MS);
  let retryAt: number | null = null;
  try {
    await drainPools(gate, null);
    await flushLedger(gate);
  } catch {
    // D1 or a pool is unreachable: everything is still in our storage; try again shortly.
    retryAt = now + RETRY_AFTER_MS;
  }
  await deliverDueAlerts(gate.sql, now, (tenantId) => webhookSigningSecret(gate.env, tenantId));
  const oldest = store.oldestReservationAt(gate.sql);
  const next = [retryAt, nextAlertAt(gate.sql), oldest === null ? null : oldest + ABANDON_AFTER_MS].filter(
    (t): t is number => t !== null,
  );
  if (next.length > 0) await gate.alarms.ensure(Math.max(now + 1_000, Math.min(...next)));
}

/** Evicted worker: charge the full reservation (see docs/limits.md, "Abandoned reservations"). */
async function settleAbandoned(gate: GateContext, requestId: string, now: number): Promise<void> {
  const r = gate.state.reservation<StoredReservation>(requestId);
  if (!r) return;
  await settleMany(gate, [
    {
      requestId,
      promptTokens: r.tokens,
      completionTokens: 0,
      costMicroUsd: r.microUsd,
      status: "abandoned",
      latencyMs: now - r.createdAt,
      model: r.model,
      provider: r.provider,
      guardrailEvents: [],
      now,
    },
  ]);
}
