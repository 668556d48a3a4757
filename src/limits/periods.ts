/** Budget periods roll over at UTC midnight (day) and on the first of the month at 00:00 UTC (month). */
export type Period = "day" | "month";

/** `YYYY-MM-DD` for day, `YYYY-MM` for month: the key a counter is stamped with. */
export function periodKey(period: Period, nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  return period === "day" ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** Epoch ms at which the period containing `nowMs` ends. */
export function periodEndMs(period: Period, nowMs: number): number {
  const d = new Date(nowMs);
  return period === "day"
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whole seconds until rollover, at least 1: the honest Retry-After of a budget refusal. */
export function secondsUntilRollover(period: Period, nowMs: number): number {
  return Math.max(1, Math.ceil((periodEndMs(period, nowMs) - nowMs) / 1000));
}
