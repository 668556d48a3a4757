/**
 * Sliding window log: the exact "at most `limit` admissions in any `windowMs`" rule.
 *
 * Mechanism: keep the timestamp of every admission still inside the window (ascending). A request at `now`
 * fits when fewer than `limit` timestamps satisfy `t > now - windowMs`.
 *
 * Formula: count = |{ t ∈ log : t > now − W }|; admit ⇔ count < L. When refused, capacity returns when the
 * (count − L + 1)-th oldest entry leaves: retryAfter = log[count − L] + W − now.
 *
 * Trade-offs: exact at every instant, so there is no double burst at a window edge (a fixed window admits
 * 2L across a boundary; GCRA/token bucket admits L plus the refill during the window). The price is memory
 * O(L) per key (≤ 10,000 numbers for a project at the maximum RPM), O(expired) pruning and an O(log L)
 * count per call. Only admitted requests are logged: a refused request takes no slot,
 * otherwise a client hammering a full window would keep itself locked out forever.
 */
export interface WindowCheck {
  ok: boolean;
  limit: number;
  /** Slots left after this request (if admitted) or now (if refused). */
  remaining: number;
  /** Epoch ms at which the oldest logged admission leaves the window (now + W when the log is empty). */
  resetAtMs: number;
  /** Only when refused: ms until one slot frees. */
  retryAfterMs?: number;
}

/** Drops entries that have left the window. Mutates `log` in place (the caller owns it) and returns it. */
export function pruneLog(log: number[], now: number, windowMs: number): number[] {
  let expired = 0;
  while (expired < log.length && (log[expired] as number) <= now - windowMs) expired++;
  if (expired > 0) log.splice(0, expired);
  return log;
}

/** Decides without recording; call `recordHit` only once every other check has passed. */
export function checkWindow(log: readonly number[], limit: number, windowMs: number, now: number): WindowCheck {
  // The log is ascending, so the live entries are a suffix: find where it starts instead of copying it.
  const first = firstAfter(log, now - windowMs);
  const count = log.length - first;
  const oldest = log[first];
  const resetAtMs = oldest === undefined ? now + windowMs : oldest + windowMs;
  if (count < limit) {
    return { ok: true, limit, remaining: limit - count - 1, resetAtMs };
  }
  const freesAt = (log[log.length - limit] as number) + windowMs;
  return { ok: false, limit, remaining: 0, resetAtMs, retryAfterMs: Math.max(1, freesAt - now) };
}

/** Index of the first entry greater than `bound` in an ascending log (binary search; log.length if none). */
function firstAfter(log: readonly number[], bound: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((log[mid] as number) > bound) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Inserts keeping the log ascending (injected clocks may step backwards in tests; real ones rarely do). */
export function recordHit(log: number[], now: number): void {
  let i = log.length;
  while (i > 0 && (log[i - 1] as number) > now) i--;
  log.splice(i, 0, now);
}

/** Undoes `recordHit` when a later, asynchronous check refuses the request. */
export function removeHit(log: number[], at: number): void {
  const i = log.lastIndexOf(at);
  if (i >= 0) log.splice(i, 1);
}

/** SPEC: per-user RPM = fraction × project RPM; 0 disables; at least 1 whenever the fraction is positive. */
export function userRpmLimit(projectRpm: number, fraction: number): number | null {
  if (fraction <= 0) return null;
  return Math.max(1, Math.floor(projectRpm * fraction));
}
