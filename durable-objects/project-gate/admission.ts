import { chooseModel } from "../../src/data-plane/model-policy";
import { currentCounter, dearest, fits, microUsdFor, reserve, worstCaseTokens } from "../../src/limits/budget";
import { localBudgets, poolsFor } from "../../src/limits/budget-lines";
import { secondsUntilRollover } from "../../src/limits/periods";
import * as store from "../../src/limits/gate-store";
import type { AdmitDecision, AdmitInput } from "../../src/limits/gate-types";
import { checkWindow, recordHit, removeHit, userRpmLimit } from "../../src/limits/sliding-window";
import { mergeTier, type TierOverrides } from "../../src/settings/schema";
import { microUsdPerMillion } from "../../src/usage/pricing";
import { reasoningBeyondCap } from "../../src/usage/reasoning";
import { systemPromptTokens } from "../../src/usage/token-count";
import type { GateContext } from "./context";
import { reservePools } from "./pools";
import { releaseLocal, remainingOf, type ReservedLine, type StoredReservation } from "./reservation";
import { tighter, WINDOW_MS, windowDenial } from "./rate-windows";

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

  // Rate limits. A tier with its own rpm_limit gets its own project-wide window, so the override means something.
  const projectLog = gate.windows.log(`project:${input.tier ?? ""}`, now);
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
    const reservation = { requestId: input.requestId, userId: input.userId, tokens: 0, microUsd: 0, createdAt: now };
    const remaining = remainingOf(gate, localBudgets(settings, input.userId), now);
    return { ok: true, reservation, settings, rateLimit, remaining, credentials: snap.credentials };
  }

  // Budgets: reserve the worst case, in tokens and (when the model is priced) in micro-USD.
  // The estimate covers what the provider will bill: the client's messages, the system prompt injected after
  // admission, every one of the `n` choices and reasoning the cap does not bound (docs/limits.md).
  // A fallback model may answer instead, so the dearest and most reasoning of them all is what is reserved.
  const modelRef = chooseModel(input.model ?? undefined, settings);
  const fallbacks = input.embedding ? [] : settings.fallback_models;
  const candidates = [modelRef, ...fallbacks];
  const worst = input.embedding
    ? { prompt: Math.max(0, Math.ceil(input.estimatedPromptTokens)), completion: 0 }
    : worstCaseTokens(
        input.estimatedPromptTokens + systemPromptTokens(settings.system_prompt),
        {
          maxTokens: input.maxTokens,
          choices: input.choices,
          reasoningTokens: Math.max(...candidates.map(reasoningBeyondCap)),
        },
        settings.max_tokens_cap,
      );
  const tokens = worst.prompt + worst.completion;
  // A request without an explicit model runs on the project's (tier-merged) model: price that one.
  const price = dearest([
    input.priceMicroUsdPerMillion ?? microUsdPerMillion(modelRef),
    ...fallbacks.map((ref) => microUsdPerMillion(ref)),
  ]);
  const microUsd = microUsdFor(worst.prompt, worst.completion, price);
  const lines: ReservedLine[] = [];
  for (const line of localBudgets(settings, input.userId)) {
    const counter = currentCounter(gate.state.counter(line.key), line.period, now);
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
    const counter = currentCounter(gate.state.counter(line.key), line.period, now);
    gate.state.setCounter(line.key, reserve(counter, line.amount));
  }
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
    reservation: { requestId: input.requestId, userId: input.userId, tokens, microUsd, createdAt: now },
    settings,
    rateLimit,
    remaining: { tokens: local.tokens, microUsd: usdLeft.length > 0 ? Math.min(...usdLeft) : null },
    // Sealed BYOK keys that may pay: the hot path opens them without reading D1 (undefined in a pre-upgrade snapshot).
    credentials: snap.credentials,
    // For the request's trace attributes: the ledger row takes it from the snapshot at settlement.
    costCenter: snap.costCenter ?? null,
  };
}
