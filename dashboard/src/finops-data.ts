import type { UsagePoint } from "./types";

/** `cost_usd` arrives as a decimal string (exact micro-dollars); charts and bars want numbers. */
export function usd(value: number | string): number {
  const parsed = typeof value === "number" ? value : Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

export function formatUsd(value: number | string): string {
  const amount = usd(value);
  return `$${amount < 1 && amount > 0 ? amount.toFixed(6) : amount.toFixed(2)}`;
}

export interface DailySeries {
  /** Unix seconds at 00:00 UTC of each day, as uPlot's x axis wants them. */
  days: number[];
  cost: number[];
  tokens: number[];
  requests: number[];
}

/**
 * One point per UTC day from `from` to `to` inclusive; days without usage are zero, so a quiet day is drawn as
 * a dip rather than a line jumping across it.
 */
export function dailySeries(from: string, to: string, points: readonly UsagePoint[]): DailySeries {
  const byDay = new Map(points.map((point) => [point.day, point]));
  const series: DailySeries = { days: [], cost: [], tokens: [], requests: [] };
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) {
    const point = byDay.get(new Date(t).toISOString().slice(0, 10));
    series.days.push(t / 1000);
    series.cost.push(point ? usd(point.cost_usd) : 0);
    series.tokens.push(point?.total_tokens ?? 0);
    series.requests.push(point?.requests ?? 0);
  }
  return series;
}

export function isoDay(offsetDays = 0, from = new Date()): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A budget's figures as shares of its limit for the stacked bar (spent, reserved, remaining), each 0..100. */
export function budgetShares(
  limit: number | string,
  spent: number | string,
  reserved: number | string,
): { spent: number; reserved: number; remaining: number } {
  const total = usd(limit);
  if (total <= 0) return { spent: 0, reserved: 0, remaining: 100 };
  const spentShare = Math.min(100, (usd(spent) / total) * 100);
  const reservedShare = Math.min(100 - spentShare, (usd(reserved) / total) * 100);
  return { spent: spentShare, reserved: reservedShare, remaining: 100 - spentShare - reservedShare };
}
