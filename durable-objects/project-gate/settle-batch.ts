import * as store from "../../src/limits/gate-store";
import type { SettleResult } from "../../src/limits/gate-types";
import type { LedgerRow } from "../../src/usage/ledger";

/** What one settleMany writes, gathered so each table takes one statement (gate-store.ts, batched writes). */
export class SettleBatch {
  private readonly settled = new Map<string, { requestId: string; at: number; result: SettleResult }>();
  private readonly deleted: string[] = [];
  readonly ledger: { requestId: string; row: LedgerRow }[] = [];

  /** A request settled earlier in this batch (the same settlement sent twice is answered alike). */
  resultFor(requestId: string): SettleResult | undefined {
    return this.settled.get(requestId)?.result;
  }

  settle(requestId: string, at: number, result: SettleResult): void {
    this.settled.set(requestId, { requestId, at, result });
  }

  deleteReservation(requestId: string): void {
    this.deleted.push(requestId);
  }

  write(sql: SqlStorage): void {
    store.deleteReservations(sql, this.deleted);
    store.enqueueLedgerRows(sql, this.ledger);
    store.writeSettledRows(sql, [...this.settled.values()]);
  }
}
