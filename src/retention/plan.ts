import type { MemoryScope } from "../memory/key";

/**
 * The retention sweep, as pure arithmetic (src/retention/run.ts does the I/O).
 *
 * Why a sweep at all: a conversation's deadline is fixed when it is written (last append + the
 * `retention_days` of that moment): the memory object's alarm and Redis' TTL delete it then. If a project
 * later *shortens* `retention_days`, conversations written under the old value would outlive the new one.
 * The sweep enforces the current value: every conversation whose last activity is older than
 * `now − retention_days` is cleared.
 *
 * Finding conversations: no store can list its keys cheaply (Durable Objects cannot be enumerated), but
 * every request with a session writes a usage-ledger row with (project, user, session, time), which names
 * the memory key exactly. The ledger is the index.
 *
 * Bounded work: each project keeps a watermark `swept_through` (epoch ms). A run looks only at sessions
 * last active in (swept_through, cutoff], oldest first, at most `batch` of them, then advances the
 * watermark. A shortened retention moves the cutoff forward and the next run covers exactly the newly due
 * range; a lengthened one moves it back behind the watermark and there is nothing to do (what was cleared
 * was due under the policy of its day).
 */

export const DAY_MS = 86_400_000;

/** The longest retention any user of the project can have: tiers may override it, and a sweep must never cut one short. */
export function effectiveRetentionDays(projectDays: number, tierDays: readonly (number | undefined)[]): number {
  return Math.max(projectDays, ...tierDays.filter((days): days is number => days !== undefined));
}

export interface SweepWindow {
  /** Exclusive lower bound: everything up to here was swept before. */
  after: number;
  /** Inclusive upper bound: `now − retention`. */
  through: number;
}

/** What is due in this run, or null when nothing is (first run of a young project, or retention lengthened). */
export function sweepWindow(now: number, retentionDays: number, sweptThrough: number | null): SweepWindow | null {
  const through = now - retentionDays * DAY_MS;
  const after = sweptThrough ?? -1;
  return through > after ? { after, through } : null;
}

export interface SessionActivity {
  userId: string;
  sessionId: string;
  /** Epoch ms of the session's newest ledger row. */
  lastSeenAt: number;
}

export interface SweepPlan {
  purge: MemoryScope[];
  /** The watermark to store once every purge succeeded. */
  sweptThrough: number;
}

/**
 * Given the sessions found in the window (oldest first, at most `batch` of them), what to clear and where
 * the watermark goes. A full batch means more may wait: the watermark stops just before the last session's
 * time so sessions sharing that millisecond are not skipped (clearing twice is harmless). If the whole batch
 * shares one millisecond, the watermark passes it, so a run always makes progress.
 */
export function planSweep(
  projectId: string,
  window: SweepWindow,
  sessions: readonly SessionActivity[],
  batch: number,
): SweepPlan {
  const due = sessions.filter((s) => s.lastSeenAt > window.after && s.lastSeenAt <= window.through);
  const purge = due.map((s) => ({ projectId, uid: s.userId, session: s.sessionId }));
  if (sessions.length < batch) return { purge, sweptThrough: window.through };
  const first = sessions[0]?.lastSeenAt;
  const last = sessions.at(-1)?.lastSeenAt;
  if (first === undefined || last === undefined) return { purge, sweptThrough: window.through };
  return { purge, sweptThrough: last > first ? last - 1 : last };
}
