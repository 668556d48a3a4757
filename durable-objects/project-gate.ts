import { DurableObject } from "cloudflare:workers";
import { AlarmSchedule } from "../src/limits/alarm-schedule";
import { currentCounter, remaining } from "../src/limits/budget";
import { localBudgets, poolsFor } from "../src/limits/budget-lines";
import { budgetPool } from "../src/limits/gate-client";
import { GateState } from "../src/limits/gate-state";
import * as store from "../src/limits/gate-store";
import type {
  AdmitDecision,
  AdmitInput,
  BudgetLine,
  GateSnapshot,
  KillSwitchScope,
  ReadTicket,
  ReserveDecision,
  ReserveInput,
  SettleInput,
  SettleResult,
} from "../src/limits/gate-types";
import { migrateAlerts } from "../src/usage/alerts";
import { admit } from "./project-gate/admission";
import { flushLedger, runAlarm } from "./project-gate/alarm-flush";
import { GateConfiguration } from "./project-gate/configuration";
import { reserveDeferred } from "./project-gate/deferred-reservation";
import type { GateContext } from "./project-gate/context";
import { RateWindows } from "./project-gate/rate-windows";
import { settleMany } from "./project-gate/settlement";

export { ABANDON_AFTER_MS } from "./project-gate/admission";

/**
 * The project gate: one Durable Object per project (named by project id) that admits a request in one call —
 * kill switches, suspension, key revocation, project and user RPM, token and dollar budget reservation — and
 * settles it after, writing the ledger row in the same transaction. Arithmetic lives in src/limits; each
 * concern (configuration, admission, settlement, alarm and flush) in durable-objects/project-gate/. This class
 * only owns the state and exposes the RPC methods.
 */
export class ProjectGate extends DurableObject<Env> {
  private readonly gate: GateContext;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    const state = new GateState(sql, ctx.storage);
    store.migrateGate(sql);
    migrateAlerts(sql);
    this.gate = {
      env,
      storage: ctx.storage,
      sql,
      state,
      alarms: new AlarmSchedule(ctx.storage),
      config: new GateConfiguration(sql),
      windows: new RateWindows(),
    };
  }

  /** A ticket, taken by a configurer before it reads D1 (see `configureGate` in src/limits/gate-snapshot.ts). */
  async readTicket(): Promise<ReadTicket> {
    return this.gate.config.readTicket();
  }

  /**
   * Full replacement of the project's configuration; counters, reservations and the ledger are kept. With the
   * ticket taken before the snapshot was read from D1:
   * - "stale": a kill switch or revocation was pushed after the ticket (or the object restarted), so the read
   *   may predate it; nothing is applied and the caller reads again;
   * - "superseded": a snapshot whose read began later is already in force, and it includes whatever this one
   *   does; nothing is applied;
   * - "applied".
   * Without a ticket (tests, fixtures) the snapshot is applied as is.
   */
  async configure(snapshot: GateSnapshot, read?: ReadTicket): Promise<"applied" | "superseded" | "stale"> {
    return this.gate.config.configure(snapshot, read);
  }

  /**
   * Returns false when the gate has no snapshot yet (its first configure reads the switch from D1). Either way,
   * a configure whose ticket predates this push is refused as stale and reads again.
   *
   * `version` is the switch row's `kill_switches.version` after the write being pushed. Two flips of one switch
   * push independently, so the earlier write's push can arrive last: a push no newer than what the gate holds
   * (pushed or read from D1) is ignored. Without a version (a Worker deployed before versions) it applies as is.
   */
  async setKillSwitch(scope: KillSwitchScope, enabled: boolean, version?: number): Promise<boolean> {
    return this.gate.config.setKillSwitch(scope, enabled, version);
  }

  async revokeKeys(ids: string[]): Promise<boolean> {
    return this.gate.config.revokeKeys(ids);
  }

  async admit(input: AdmitInput): Promise<AdmitDecision> {
    return admit(this.gate, input);
  }

  /** The reservation a `deferBudget` admission owes once the response cache missed (docs/cache.md). */
  async reserveDeferred(input: ReserveInput): Promise<ReserveDecision> {
    return reserveDeferred(this.gate, input);
  }

  /** Idempotent by request id. Charges what the caller reports; a failed upstream call reports zeros. */
  async settle(input: SettleInput): Promise<SettleResult> {
    const [result] = await settleMany(this.gate, [input]);
    // settleMany answers one result per input; a missing one is a bug, not a denial.
    if (!result) throw new Error(`settle of ${input.requestId} produced no result`);
    return result;
  }

  /**
   * Settles a batch (workers queue settlements for a few milliseconds, src/data-plane/settle-queue.ts) in one
   * transaction — one commit for many requests. Returns one result per input, in order.
   */
  async settleMany(inputs: readonly SettleInput[]): Promise<SettleResult[]> {
    return settleMany(this.gate, inputs);
  }

  /** Spent / reserved / remaining for each budget of the project (and of `userId` when given), pools included. */
  async budgetStatus(
    userId?: string,
    now: number = Date.now(),
  ): Promise<{ configured: boolean; budgets: BudgetLine[] }> {
    const snap = this.gate.config.snapshot;
    if (!snap) return { configured: false, budgets: [] };
    const lines = localBudgets(snap.settings, userId ?? "").filter(
      (l) => userId !== undefined || !l.key.startsWith("user:"),
    );
    const budgets: BudgetLine[] = lines.map((line) => {
      const counter = currentCounter(this.gate.state.counter(line.key), line.period, now);
      return {
        name: line.key,
        unit: line.unit,
        period: line.period,
        periodKey: counter.period,
        limit: line.limit,
        spent: counter.spent,
        reserved: counter.reserved,
        remaining: remaining(counter, line.limit),
      };
    });
    for (const pool of poolsFor(snap.tenantId, snap.sharedBudgets)) {
      budgets.push(...(await budgetPool(this.env, pool.name).status(pool.budgets, now)));
    }
    return { configured: true, budgets };
  }

  /** Copies settled rows to the system of record (idempotent), then drops them here. */
  async flushLedger(): Promise<{ flushed: number; pending: number }> {
    return flushLedger(this.gate);
  }

  override async alarm(): Promise<void> {
    await runAlarm(this.gate);
  }
}
