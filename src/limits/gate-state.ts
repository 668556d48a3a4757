import type { Counter } from "./budget";
import * as store from "./gate-store";

/**
 * How long admits gather before one commit. Longer means fewer commits (each holds every reply of the
 * object while it runs) but a wider window an object restart can drop; a settle for a dropped admit is still
 * charged and recorded (ProjectGate.lostReservation), so what such a restart loses is the reservation's hold.
 */
export const COMMIT_AFTER_MS = 10;

/** Past this many cached counters (one per active user and period), clean entries are dropped after a commit. */
const MAX_CACHED_COUNTERS = 10_000;

/**
 * The project gate's budget counters and open reservations, held in memory and written behind.
 *
 * Why: a Durable Object's reply waits for every storage write made in its turn to be committed (the output
 * gate), which costs about a millisecond per admit even locally. Admission therefore changes only this
 * in-memory state — which is exact, because the object is single-threaded and every read goes through
 * here — and `scheduleCommit` writes it in one transaction shortly after the turn, so the reply is not held
 * and the admits of the next few milliseconds share one commit. Settlement, off the request's path, commits in its own turn
 * with `writePending` (its reply then means "durable"). What a crash of the object can lose is the admits
 * of the last commit interval; docs/limits.md ("Write-behind admission") says what that means.
 */
export class GateState {
  private readonly counters = new Map<string, Counter>();
  private readonly dirty = new Set<string>();
  /** Admitted, not yet written. */
  private readonly unwritten = new Map<string, { createdAt: number; body: unknown }>();
  private commitScheduled = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  counter(key: string): Counter | undefined {
    const cached = this.counters.get(key);
    if (cached) return cached;
    const stored = store.readCounter(this.sql, key);
    if (stored) this.counters.set(key, { period: stored.period, spent: stored.spent, reserved: stored.reserved });
    return stored;
  }

  setCounter(key: string, counter: Counter): void {
    this.counters.set(key, counter);
    this.dirty.add(key);
  }

  reservation<T>(requestId: string): T | undefined {
    const pending = this.unwritten.get(requestId);
    if (pending) return pending.body as T;
    return store.readReservation<T>(this.sql, requestId);
  }

  /** A reservation admitted but not yet written (so it cannot have been settled either: settling removes it). */
  unwrittenReservation<T>(requestId: string): T | undefined {
    return this.unwritten.get(requestId)?.body as T | undefined;
  }

  /** Drops an unwritten reservation; false when it was not one (a stored row is the caller's to delete). */
  dropUnwritten(requestId: string): boolean {
    return this.unwritten.delete(requestId);
  }

  addReservation(requestId: string, createdAt: number, body: unknown): void {
    this.unwritten.set(requestId, { createdAt, body });
  }

  /** A reservation changed after admission (a deferred one, reserved on a cache miss), wherever it is held. */
  replaceReservation(requestId: string, body: unknown): void {
    const pending = this.unwritten.get(requestId);
    if (pending) pending.body = body;
    else store.updateReservation(this.sql, requestId, body);
  }

  removeReservation(requestId: string): void {
    if (!this.unwritten.delete(requestId)) store.deleteReservation(this.sql, requestId);
  }

  /** Writes everything pending; call inside a `transactionSync` (settlement, alarm) or let `scheduleCommit` do it. */
  writePending(): void {
    for (const key of this.dirty) {
      const counter = this.counters.get(key);
      if (counter !== undefined) store.writeCounter(this.sql, key, counter);
    }
    store.insertReservations(
      this.sql,
      [...this.unwritten].map(([requestId, { createdAt, body }]) => ({ requestId, createdAt, body })),
    );
    this.dirty.clear();
    this.unwritten.clear();
    if (this.counters.size > MAX_CACHED_COUNTERS) this.counters.clear();
  }

  /** Commits pending writes shortly after this turn, once however many admits ran before it. */
  scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setTimeout(() => {
      this.commitScheduled = false;
      this.storage.transactionSync(() => this.writePending());
    }, COMMIT_AFTER_MS);
  }
}
