import { currentCounter, remaining, settle } from "../../src/limits/budget";
import type { LocalBudget, PoolRef } from "../../src/limits/budget-lines";
import type { Remaining } from "../../src/limits/gate-types";
import type { GateContext } from "./context";

export interface ReservedLine extends LocalBudget {
  periodKey: string;
  amount: number;
}

/** What admit stored for settle: enough to write the ledger row even if the snapshot changed meanwhile. */
export interface StoredReservation {
  requestId: string;
  userId: string;
  provider: string;
  model: string;
  createdAt: number;
  tokens: number;
  microUsd: number;
  lines: ReservedLine[];
  pools: PoolRef[];
  tenantId: string;
  projectId: string;
  costCenter: string | null;
}

/** The smallest remaining of each unit over `lines` (tokens 0 and dollars null when no line of that unit applies). */
export function remainingOf(gate: GateContext, lines: readonly LocalBudget[], now: number): Remaining {
  const left = (unit: LocalBudget["unit"]) =>
    lines
      .filter((l) => l.unit === unit)
      .map((l) => remaining(currentCounter(gate.state.counter(l.key), l.period, now), l.limit));
  const tokens = left("tokens");
  const usd = left("micro_usd");
  return { tokens: tokens.length > 0 ? Math.min(...tokens) : 0, microUsd: usd.length > 0 ? Math.min(...usd) : null };
}

/** Undoes a local reservation as if it had been settled for nothing, and forgets it. */
export function releaseLocal(gate: GateContext, reservation: StoredReservation, now: number): void {
  for (const line of reservation.lines) {
    const counter = currentCounter(gate.state.counter(line.key), line.period, now);
    gate.state.setCounter(line.key, settle(counter, line.periodKey, line.amount, 0));
  }
  gate.state.removeReservation(reservation.requestId);
  gate.state.scheduleCommit();
}
