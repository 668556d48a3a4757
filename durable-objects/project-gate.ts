import { AlarmSchedule } from "../src/limits/alarm-schedule";
import { budgetPool } from "../src/limits/gate-client";
import { DurableObject } from "cloudflare:workers";
import { chooseModel } from "../src/data-plane/model-policy";
import { microUsdPerMillion } from "../src/usage/pricing";
import { mergeTier, type ProjectSettings, type TierOverrides } from "../src/settings/schema";
import type { RateLimitState } from "../src/http/app-env";
import { database } from "../src/db/client";
import { currentCounter, fits, microUsdFor, remaining, reserve, settle, worstCaseTokens } from "../src/limits/budget";
import { localBudgets, poolsFor, type LocalBudget, type PoolRef } from "../src/limits/budget-lines";
import { periodKey, secondsUntilRollover } from "../src/limits/periods";
import {
  checkWindow,
  pruneLog,
  recordHit,
  removeHit,
  userRpmLimit,
  type WindowCheck,
} from "../src/limits/sliding-window";
import * as store from "../src/limits/gate-store";
import { GateState } from "../src/limits/gate-state";
import {
  GateSnapshot,
  type AdmitDecision,
  type AdmitDenial,
  type AdmitInput,
  type BudgetLine,
  type KillSwitchScope,
  type ReadTicket,
  type Remaining,
  type SettleInput,
  type SettleResult,
  UNVERSIONED,
} from "../src/limits/gate-types";
import { insertLedgerRows, ledgerRow, type LedgerRow } from "../src/usage/ledger";
import {
  crossedThresholds,
  deliverDueAlerts,
  migrateAlerts,
  nextAlertAt,
  recordAlerts,
  type BudgetAlert,
} from "../src/usage/alerts";

type Snapshot = import("zod").infer<typeof GateSnapshot>;

const WINDOW_MS = 60_000;
/** A reservation not settled within this time belongs to an evicted worker; the alarm settles it as `abandoned`. */
export const ABANDON_AFTER_MS = 10 * 60_000;
/** Rows wait this long so that one flush carries a batch rather than a single row. */
const FLUSH_DELAY_MS = 2_000;
const FLUSH_BATCH = 100;
/** Above this many live window keys, idle users' empty logs are swept so memory follows active users only. */
const WINDOW_SWEEP_AT = 5_000;

interface ReservedLine extends LocalBudget {
  periodKey: string;
  amount: number;
}

/** What admit stored for settle: enough to write the ledger row even if the snapshot changed meanwhile. */
interface StoredReservation {
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

/**
 * The project gate: one Durable Object per project (named by project id) that admits a request in one call —
 * kill switches, suspension, key revocation, project and user RPM, token and dollar budget reservation — and
 * settles it after, writing the ledger row in the same transaction. Arithmetic lives in src/limits.
 */
export class ProjectGate extends DurableObject<Env> {
  private readonly alarms = new AlarmSchedule(this.ctx.storage);
  private readonly sql: SqlStorage;
  /** Counters and open reservations, written behind (src/limits/gate-state.ts). */
  private readonly state: GateState;
  private snapshot: Snapshot | null;
  /**
   * Read tickets for `configure` (see `configureGate` in src/limits/gate-snapshot.ts): a configurer takes one
   * before it reads D1, so tickets order the reads. New on every start, so a ticket from before a restart
   * is never taken for a current one.
   */
  private readonly ticketEpoch: string = crypto.randomUUID();
  private ticketsIssued = 0;
  /** The ticket of the snapshot in force (a read that began no earlier than any other applied). */
  private appliedTicket = 0;
  /** Tickets up to here were issued before the last pushed kill switch or revocation. */
  private pushedAfterTicket = 0;
  /** Sliding-window logs (memory only; see docs/limits.md for why a restart may reset them). */
  private readonly windows = new Map<string, number[]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.state = new GateState(this.sql, ctx.storage);
    store.migrateGate(this.sql);
    migrateAlerts(this.sql);
    this.snapshot = store.readMeta<Snapshot>(this.sql, "snapshot") ?? null;
  }

  /** A ticket, taken by a configurer before it reads D1. */
  async readTicket(): Promise<ReadTicket> {
    return { epoch: this.ticketEpoch, ticket: ++this.ticketsIssued };
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
    if (read) {
      if (read.epoch !== this.ticketEpoch || read.ticket <= this.pushedAfterTicket) return "stale";
      if (read.ticket < this.appliedTicket) return "superseded";
    }
    this.persist(GateSnapshot.parse(snapshot));
    this.appliedTicket = read?.ticket ?? this.ticketsIssued;
    return "applied";
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
    this.pushedAfterTicket = this.ticketsIssued;
    if (!this.snapshot) return false;
    // A snapshot stored before versions existed has none: every versioned push is newer.
    const versions = this.snapshot.killSwitchVersions ?? UNVERSIONED;
    if (version !== undefined && version <= versions[scope]) return true;
    this.persist({
      ...this.snapshot,
      killSwitches: { ...this.snapshot.killSwitches, [scope]: enabled },
      killSwitchVersions: { ...versions, [scope]: version ?? versions[scope] },
    });
    return true;
  }

  async revokeKeys(ids: string[]): Promise<boolean> {
    this.pushedAfterTicket = this.ticketsIssued;
    if (!this.snapshot) return false;
    const revoked = new Set([...this.snapshot.revokedKeyIds, ...ids]);
    this.persist({ ...this.snapshot, revokedKeyIds: [...revoked] });
    return true;
  }

  async admit(input: AdmitInput): Promise<AdmitDecision> {
    const now = input.now ?? Date.now();
    const snap = this.snapshot;
    if (!snap) return { ok: false, reason: "not_configured" };
    // SPEC order: kill switches (global → tenant → project), suspension, key revocation.
    for (const scope of ["global", "tenant", "project"] as const) {
      if (snap.killSwitches[scope]) return { ok: false, reason: "kill_switch", scope };
    }
    if (snap.status === "suspended") return { ok: false, reason: "project_suspended" };
    if (input.apiKeyId !== undefined && snap.revokedKeyIds.includes(input.apiKeyId))
      return { ok: false, reason: "key_revoked" };
    let overrides: TierOverrides | undefined;
    if (input.tier !== undefined) {
      overrides = snap.tiers[input.tier];
      if (!overrides) return { ok: false, reason: "unknown_tier" };
    }
    const settings = mergeTier(snap.settings, overrides);
    if (this.state.unwrittenReservation(input.requestId) || store.requestIdKnown(this.sql, input.requestId)) {
      throw new Error(`request id ${input.requestId} was already admitted`);
    }

    // Rate limits. A tier with its own rpm_limit gets its own project-wide window, so the override means something.
    const projectLog = this.log(`project:${input.tier ?? ""}`, now);
    const projectCheck = checkWindow(projectLog, settings.rpm_limit, WINDOW_MS, now);
    if (!projectCheck.ok) return windowDenial("rpm", projectCheck);
    const userLimit = userRpmLimit(settings.rpm_limit, settings.user_rpm_fraction);
    const userLog = userLimit === null ? null : this.log(`user:${input.userId}`, now);
    const userCheck = userLog && userLimit !== null ? checkWindow(userLog, userLimit, WINDOW_MS, now) : null;
    if (userCheck && !userCheck.ok) return windowDenial("user_rpm", userCheck);
    const rateLimit = tighter(projectCheck, userCheck);

    // Budgets: reserve the worst case, in tokens and (when the model is priced) in micro-USD.
    const worst = worstCaseTokens(input.estimatedPromptTokens, input.maxTokens, settings.max_tokens_cap);
    const tokens = worst.prompt + worst.completion;
    // A request without an explicit model runs on the project's (tier-merged) model: price that one.
    const price = input.priceMicroUsdPerMillion ?? microUsdPerMillion(chooseModel(input.model ?? undefined, settings));
    const microUsd = microUsdFor(worst.prompt, worst.completion, price);
    const lines: ReservedLine[] = [];
    for (const line of localBudgets(settings, input.userId)) {
      const counter = currentCounter(this.state.counter(line.key), line.period, now);
      const amount = line.unit === "tokens" ? tokens : microUsd;
      if (!fits(counter, line.limit, amount)) {
        const reason = line.unit === "tokens" ? "tokens" : "budget";
        return { ok: false, reason, budget: line.key, retryAfter: secondsUntilRollover(line.period, now), rateLimit };
      }
      lines.push({ ...line, periodKey: counter.period, amount });
    }

    // Commit in this same synchronous turn: no other admit can interleave between check and reservation.
    recordHit(projectLog, now);
    if (userLog) recordHit(userLog, now);
    const reservation: StoredReservation = {
      requestId: input.requestId,
      userId: input.userId,
      provider: input.provider,
      model: input.model ?? settings.provider_model,
      createdAt: now,
      tokens,
      microUsd,
      lines,
      pools: poolsFor(snap.tenantId, snap.sharedBudgets),
      tenantId: snap.tenantId,
      projectId: snap.projectId,
      costCenter: snap.costCenter,
    };
    // In memory now, committed right after this turn: the reply is not held for the write (gate-state.ts).
    for (const line of lines) {
      const counter = currentCounter(this.state.counter(line.key), line.period, now);
      this.state.setCounter(line.key, reserve(counter, line.amount));
    }
    this.state.addReservation(input.requestId, now, reservation);
    this.state.scheduleCommit();

    // Shared budgets: other admits may interleave while we wait; they see our local reservation, so the
    // worst they can do is be refused conservatively. A refusal here undoes everything, RPM slots included.
    const pools = await this.reservePools(reservation, now);
    if (!pools.ok) {
      removeHit(projectLog, now);
      if (userLog) removeHit(userLog, now);
      this.releaseLocal(reservation, now);
      return { ...pools, rateLimit };
    }
    await this.alarms.ensure(now + ABANDON_AFTER_MS);
    const local = this.remainingOf(lines, now);
    const usdLeft = [local.microUsd, pools.remainingMicroUsd].filter((v): v is number => v !== null);
    return {
      ok: true,
      reservation: { requestId: input.requestId, userId: input.userId, tokens, microUsd, createdAt: now },
      settings,
      rateLimit,
      remaining: { tokens: local.tokens, microUsd: usdLeft.length > 0 ? Math.min(...usdLeft) : null },
      // Sealed BYOK keys that may pay: the hot path opens them without reading D1 (undefined in a pre-upgrade snapshot).
      credentials: snap.credentials,
    };
  }

  /** Idempotent by request id. Charges what the caller reports; a failed upstream call reports zeros. */
  async settle(input: SettleInput): Promise<SettleResult> {
    const [result] = await this.settleMany([input]);
    return result!;
  }

  /**
   * Settles a batch (workers queue settlements for a few milliseconds, src/data-plane/settle-queue.ts) in one
   * transaction — one commit for many requests. Returns one result per input, in order.
   */
  async settleMany(inputs: readonly SettleInput[]): Promise<SettleResult[]> {
    const pools = new Map<string, PoolRef>();
    const results = this.ctx.storage.transactionSync(() => {
      const batch = new SettleBatch();
      const settled = inputs.map((input) => {
        const outcome = this.settleInTurn(input, batch);
        for (const pool of outcome.pools) pools.set(pool.name, pool);
        return outcome.result;
      });
      // Also commits whatever admission left pending; then the batch's rows, a statement per table.
      this.state.writePending();
      batch.write(this.sql);
      return settled;
    });
    if (pools.size > 0) await this.drainPools([...pools.values()]);
    await this.alarms.ensure(Date.now() + FLUSH_DELAY_MS);
    return results;
  }

  /** One settlement inside settleMany's transaction; its rows go into `batch`, written once at the end. */
  private settleInTurn(input: SettleInput, batch: SettleBatch): { result: SettleResult; pools: PoolRef[] } {
    const now = input.now ?? Date.now();
    const earlier = batch.resultFor(input.requestId);
    if (earlier) return { result: earlier, pools: [] };
    let reservation = this.state.unwrittenReservation<StoredReservation>(input.requestId);
    if (reservation) this.state.dropUnwritten(input.requestId);
    else {
      const stored = store.settledOrReservation<SettleResult, StoredReservation>(this.sql, input.requestId);
      if (stored.settled) return { result: stored.settled, pools: [] };
      reservation = stored.reservation;
      if (reservation) batch.deleteReservation(input.requestId);
    }
    reservation ??= this.lostReservation(input);
    if (!reservation)
      return {
        result: { found: false, chargedTokens: 0, chargedMicroUsd: 0, remaining: { tokens: 0, microUsd: null } },
        pools: [],
      };
    const chargedTokens = Math.max(0, Math.round(input.promptTokens + input.completionTokens));
    const chargedMicroUsd = Math.max(0, Math.round(input.costMicroUsd));
    const alerts: BudgetAlert[] = [];
    for (const line of reservation.lines) {
      const before = currentCounter(this.state.counter(line.key), line.period, now);
      const after = settle(
        before,
        line.periodKey,
        line.amount,
        line.unit === "tokens" ? chargedTokens : chargedMicroUsd,
      );
      this.state.setCounter(line.key, after);
      if (line.alerts) alerts.push(...this.alertsFor(line, before.spent, after.spent, after.period, now));
    }
    batch.ledger.push({ requestId: input.requestId, row: ledgerRow(reservation, input) });
    for (const pool of reservation.pools) {
      store.enqueuePoolSettlement(this.sql, {
        requestId: input.requestId,
        pool: pool.name,
        charged: chargedMicroUsd,
        at: now,
      });
    }
    recordAlerts(this.sql, this.snapshot?.alerts.webhookUrl ?? null, alerts, now);
    const result: SettleResult = {
      found: true,
      chargedTokens,
      chargedMicroUsd,
      remaining: this.remainingOf(reservation.lines, now),
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
  private lostReservation(input: SettleInput): StoredReservation | undefined {
    const snap = this.snapshot;
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

  /** Spent / reserved / remaining for each budget of the project (and of `userId` when given), pools included. */
  async budgetStatus(
    userId?: string,
    now: number = Date.now(),
  ): Promise<{ configured: boolean; budgets: BudgetLine[] }> {
    const snap = this.snapshot;
    if (!snap) return { configured: false, budgets: [] };
    const lines = localBudgets(snap.settings, userId ?? "").filter(
      (l) => userId !== undefined || !l.key.startsWith("user:"),
    );
    const budgets: BudgetLine[] = lines.map((line) => {
      const counter = currentCounter(this.state.counter(line.key), line.period, now);
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
    let flushed = 0;
    for (;;) {
      const rows = store.pendingLedger<LedgerRow>(this.sql, FLUSH_BATCH);
      if (rows.length === 0) break;
      await insertLedgerRows(database(this.env), rows);
      store.dropLedger(
        this.sql,
        rows.map((r) => r.requestId),
      );
      flushed += rows.length;
    }
    return { flushed, pending: store.countRows(this.sql, "ledger_outbox") };
  }

  override async alarm(): Promise<void> {
    this.alarms.fired();
    const now = Date.now();
    this.ctx.storage.transactionSync(() => this.state.writePending());
    for (const requestId of store.staleReservationIds(this.sql, now - ABANDON_AFTER_MS)) {
      await this.settleAbandoned(requestId, now);
    }
    store.pruneSettled(this.sql, now - store.SETTLED_KEEP_MS);
    let retryAt: number | null = null;
    try {
      await this.drainPools(null);
      await this.flushLedger();
    } catch {
      // D1 or a pool is unreachable: everything is still in our storage; try again shortly.
      retryAt = now + 10_000;
    }
    await deliverDueAlerts(this.sql, now);
    const oldest = store.oldestReservationAt(this.sql);
    const next = [retryAt, nextAlertAt(this.sql), oldest === null ? null : oldest + ABANDON_AFTER_MS].filter(
      (t): t is number => t !== null,
    );
    if (next.length > 0) await this.alarms.ensure(Math.max(now + 1_000, Math.min(...next)));
  }

  /** Evicted worker: charge the full reservation (see docs/limits.md, "Abandoned reservations"). */
  private async settleAbandoned(requestId: string, now: number): Promise<void> {
    const r = this.state.reservation<StoredReservation>(requestId);
    if (!r) return;
    const prompt = r.tokens;
    await this.settle({
      requestId,
      promptTokens: prompt,
      completionTokens: 0,
      costMicroUsd: r.microUsd,
      status: "abandoned",
      latencyMs: now - r.createdAt,
      model: r.model,
      provider: r.provider,
      guardrailEvents: [],
      now,
    });
  }

  private async reservePools(
    reservation: StoredReservation,
    now: number,
  ): Promise<{ ok: true; remainingMicroUsd: number | null } | AdmitDenial> {
    let smallest: number | null = null;
    const reserved: PoolRef[] = [];
    for (const pool of reservation.pools) {
      const result = await budgetPool(this.env, pool.name).reserve({
        requestId: reservation.requestId,
        microUsd: reservation.microUsd,
        budgets: pool.budgets,
        now,
      });
      if (!result.ok) {
        for (const done of reserved)
          await budgetPool(this.env, done.name).settle({
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

  private releaseLocal(reservation: StoredReservation, now: number): void {
    for (const line of reservation.lines) {
      const counter = currentCounter(this.state.counter(line.key), line.period, now);
      this.state.setCounter(line.key, settle(counter, line.periodKey, line.amount, 0));
    }
    this.state.removeReservation(reservation.requestId);
    this.state.scheduleCommit();
  }

  /** Pushes queued pool settlements (all, or those of the given pools' refs); failures stay queued for the alarm. */
  private async drainPools(only: PoolRef[] | null): Promise<void> {
    const snap = this.snapshot;
    const budgetsOf = new Map(
      (only ?? poolsFor(snap?.tenantId ?? "", snap?.sharedBudgets ?? [])).map((p) => [p.name, p.budgets]),
    );
    for (const pending of store.pendingPoolSettlements(this.sql)) {
      if (only && !budgetsOf.has(pending.pool)) continue;
      const alerts = snap
        ? { tenantId: snap.tenantId, webhookUrl: snap.alerts.webhookUrl, thresholds: snap.alerts.thresholds }
        : undefined;
      await budgetPool(this.env, pending.pool).settle({
        requestId: pending.requestId,
        chargedMicroUsd: pending.charged,
        budgets: budgetsOf.get(pending.pool) ?? [],
        alerts,
        now: pending.at,
      });
      store.dropPoolSettlement(this.sql, pending);
    }
  }

  private alertsFor(line: ReservedLine, before: number, after: number, key: string, now: number): BudgetAlert[] {
    const snap = this.snapshot;
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

  private remainingOf(lines: readonly LocalBudget[], now: number): Remaining {
    const left = (unit: LocalBudget["unit"]) =>
      lines
        .filter((l) => l.unit === unit)
        .map((l) => remaining(currentCounter(this.state.counter(l.key), l.period, now), l.limit));
    const tokens = left("tokens");
    const usd = left("micro_usd");
    return { tokens: tokens.length > 0 ? Math.min(...tokens) : 0, microUsd: usd.length > 0 ? Math.min(...usd) : null };
  }

  private log(key: string, now: number): number[] {
    if (this.windows.size > WINDOW_SWEEP_AT) {
      for (const [k, hits] of this.windows) if (pruneLog(hits, now, WINDOW_MS).length === 0) this.windows.delete(k);
    }
    const existing = this.windows.get(key);
    if (existing) return pruneLog(existing, now, WINDOW_MS);
    const created: number[] = [];
    this.windows.set(key, created);
    return created;
  }

  private persist(snapshot: Snapshot): void {
    store.writeMeta(this.sql, "snapshot", snapshot);
    this.snapshot = snapshot;
  }
}

function toState(check: WindowCheck): RateLimitState {
  return { limit: check.limit, remaining: check.remaining, reset: Math.ceil(check.resetAtMs / 1000) };
}

/** The headers show whichever window is closer to refusing. */
function tighter(project: WindowCheck, user: WindowCheck | null): RateLimitState {
  return toState(user && user.remaining < project.remaining ? user : project);
}

function windowDenial(reason: "rpm" | "user_rpm", check: WindowCheck): AdmitDecision {
  return { ok: false, reason, retryAfter: Math.ceil((check.retryAfterMs ?? 1000) / 1000), rateLimit: toState(check) };
}

/** What one settleMany writes, gathered so each table takes one statement (gate-store.ts, batched writes). */
class SettleBatch {
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
