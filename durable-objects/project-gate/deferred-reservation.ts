import { poolsFor } from "../../src/limits/budget-lines";
import type { ReserveDecision, ReserveInput } from "../../src/limits/gate-types";
import { mergeTier } from "../../src/settings/schema";
import { checkLocalBudgets, reserveLines } from "./budget-check";
import type { GateContext } from "./context";
import { reservePools } from "./pools";
import { releaseLocal, remainingOf, type StoredReservation } from "./reservation";

/**
 * The budget reservation of a request admitted with `deferBudget` that the response cache could not answer:
 * the same worst case and the same checks as admission (budget-check.ts), made now, before the provider is
 * called. A denial leaves the request admitted with nothing held; the Worker refuses it and settles it at 0.
 * Kill switches and RPM were decided at admission and are not decided again.
 */
export async function reserveDeferred(gate: GateContext, input: ReserveInput): Promise<ReserveDecision> {
  const now = input.now ?? Date.now();
  const snap = gate.config.snapshot;
  const held = gate.state.reservation<StoredReservation>(input.requestId);
  if (!snap || !held) throw new Error(`request id ${input.requestId} has no deferred admission here`);
  if (held.tokens > 0 || held.pools.length > 0) throw new Error(`request id ${input.requestId} is already reserved`);
  const settings = mergeTier(snap.settings, input.tier === undefined ? undefined : snap.tiers[input.tier]);
  // The Worker estimated the request after the context step: the system prompt is in it already.
  const checked = checkLocalBudgets(gate, settings, held.userId, input, now, true);
  if (!checked.ok) return checked;
  const { tokens, microUsd, lines } = checked.worst;
  // Same synchronous turn as the check: no other admit interleaves.
  reserveLines(gate, lines, now);
  const reservation: StoredReservation = {
    ...held,
    tokens,
    microUsd,
    lines,
    pools: poolsFor(snap.tenantId, snap.sharedBudgets),
  };
  gate.state.replaceReservation(input.requestId, reservation);
  gate.state.scheduleCommit();
  const pools = await reservePools(gate, reservation, now);
  if (!pools.ok) {
    // Back to an admission holding nothing, so settling it at 0 releases nothing twice.
    releaseLocal(gate, reservation, now);
    gate.state.addReservation(input.requestId, held.createdAt, held);
    gate.state.scheduleCommit();
    return pools;
  }
  const local = remainingOf(gate, lines, now);
  const usdLeft = [local.microUsd, pools.remainingMicroUsd].filter((v): v is number => v !== null);
  return {
    ok: true,
    reservation: {
      requestId: input.requestId,
      userId: held.userId,
      tokens,
      completionTokens: checked.worst.completionTokens,
      microUsd,
      createdAt: held.createdAt,
    },
    remaining: { tokens: local.tokens, microUsd: usdLeft.length > 0 ? Math.min(...usdLeft) : null },
  };
}
