import type { Remaining } from "./gate-types";

/**
 * Response headers telling the caller what a request cost and what budget is left. From an admit result
 * (streams: headers go out before the cost is known) only the remaining budget after the reservation;
 * from a settle result also the cost.
 */
export function budgetHeaders(result: { remaining: Remaining; chargedMicroUsd?: number }): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Tollgate-Budget-Remaining-Tokens": String(result.remaining.tokens),
  };
  if (result.remaining.microUsd !== null)
    headers["X-Tollgate-Budget-Remaining-Usd"] = microToUsd(result.remaining.microUsd);
  if (result.chargedMicroUsd !== undefined) headers["X-Tollgate-Cost-Usd"] = microToUsd(result.chargedMicroUsd);
  return headers;
}

/** Integer micro-USD as a fixed 6-decimal string: exact, no float drift. */
export function microToUsd(micro: number): string {
  const sign = micro < 0 ? "-" : "";
  const abs = Math.abs(Math.round(micro));
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, "0")}`;
}
