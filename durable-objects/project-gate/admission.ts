import { localBudgets, poolsFor } from "../../src/limits/budget-lines";
import * as store from "../../src/limits/gate-store";
import type { AdmitDecision, AdmitInput } from "../../src/limits/gate-types";
import { checkWindow, recordHit, removeHit, userRpmLimit } from "../../src/limits/sliding-window";
import { mergeTier, type TierOverrides } from "../../src/settings/schema";
import { checkLocalBudgets, reserveLines, unreservedLines, type WorstCase } from "./budget-check";
import type { GateContext } from "./context";
import { reservePools } from "./pools";
import { releaseLocal, remainingOf, type StoredReservation } from "./reservation";
import { projectWindowKey, tighter, WINDOW_MS, windowDenial } from "./rate-windows";

/** A reservation not settled within this time belongs to an evicted worker; the alarm settles it as `abandoned`. */
export const ABANDON_AFTER_MS = 10 * 60_000;

/**
 * Admits one request in one call: kill switches, suspension, key revocation, project and user RPM, then the
 * worst case reserved against every local budget and shared pool. Denials are values (STYLE 5); a request id
 * admitted twice is a caller's fault and throws.
 */
export async function admit(gate: GateContext, input: AdmitInput): Promise<AdmitDecision> {
  const now = input.now ?? Date.now();
  const snap = gate.config.snapshot;
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
  if (gate.state.unwrittenReservation(input.requestId) || store.requestIdKnown(gate.sql, input.requestId)) {
    throw new Error(`request id ${input.requestId} was already admitted`);
  }

  // Rate limits: one project window, except for a tier that overrides rpm_limit (rate-windows.ts).
  const projectLog = gate.windows.log(projectWindowKey(input.tier, overrides), now);
  const projectCheck = checkWindow(projectLog, settings.rpm_limit, WINDOW_MS, now);
  if (!projectCheck.ok) return windowDenial("rpm", projectCheck);
  const userLimit = userRpmLimit(settings.rpm_limit, settings.user_rpm_fraction);
  const userLog = userLimit === null ? null : gate.windows.log(`user:${input.userId}`, now);
  const userCheck = userLog && userLimit !== null ? checkWindow(userLog, userLimit, WINDOW_MS, now) : null;
  if (userCheck && !userCheck.ok) return windowDenial("user_rpm", userCheck);
  const rateLimit = tighter(projectCheck, userCheck);
  if (input.withoutReservation) {
    recordHit(projectLog, now);
    if (userLog) recordHit(userLog, now);
    const reservation = {
      requestId: input.requestId,
      userId: input.userId,
      tokens: 0,
      completionTokens: 0,
      microUsd: 0,
      createdAt: now,
    };
    const remaining = remainingOf(gate, localBudgets(settings, input.userId), now);
    return { ok: true, reservation, settings, rateLimit, remaining, credentials: snap.credentials };
  }

  // Budgets: reserve the worst case, in tokens and (when the model is priced) in micro-USD. A request the
  // response cache may answer reserves nothing yet: a hit costs nothing, a miss reserves (reserveDeferred).
  const deferred = input.deferBudget === true && settings.cache_mode === "enabled";
  let worst: WorstCase = {
    tokens: 0,
    completionTokens: 0,
    microUsd: 0,
    lines: unreservedLines(gate, settings, input.userId, now),
  };
  if (!deferred) {
    const checked = checkLocalBudgets(gate, settings, input.userId, input, now);
    if (!checked.ok) return { ...checked, rateLimit };
    worst = checked.worst;
  }
  const { tokens, microUsd, lines } = worst;

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
    // A deferred request holds nothing at the shared pools until its miss reserves there too.
    pools: deferred ? [] : poolsFor(snap.tenantId, snap.sharedBudgets),
    tenantId: snap.tenantId,
    projectId: snap.projectId,
    costCenter: snap.costCenter,
  };
  // In memory now, committed right after this turn: the reply is not held for the write (gate-state.ts).
  reserveLines(gate, lines, now);
  gate.state.addReservation(input.requestId, now, reservation);
  gate.state.scheduleCommit();

  // Shared budgets: other admits may interleave while we wait; they see our local reservation, so the
  // worst they can do is be refused conservatively. A refusal here undoes everything, RPM slots included.
  const pools = await reservePools(gate, reservation, now);
  if (!pools.ok) {
    removeHit(projectLog, now);
    if (userLog) removeHit(userLog, now);
    releaseLocal(gate, reservation, now);
    return { ...pools, rateLimit };
  }
  await gate.alarms.ensure(now + ABANDON_AFTER_MS);
  const local = remainingOf(gate, lines, now);
  const usdLeft = [local.microUsd, pools.remainingMicroUsd].filter((v): v is number => v !== null);
  return {
    ok: true,
    reservation: {
      requestId: input.requestId,
      userId: input.userId,
      tokens,
      completionTokens: worst.completionTokens,
      microUsd,
      createdAt: now,
    },
    ...(deferred && { deferred: true }),
    settings,
    rateLimit,
    remaining: { tokens: local.tokens, microUsd: usdLeft.length > 0 ? Math.min(...usdLeft) : null },
    // Sealed BYOK keys that may pay: the hot path opens them without reading D1 (undefined in a pre-upgrade snapshot).
    credentials: snap.credentials,
    // For the request's trace attributes: the ledger row takes it from the snapshot at settlement.
    costCenter: snap.costCenter ?? null,
  };
}
