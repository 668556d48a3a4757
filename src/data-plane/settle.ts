import type { GatewayError } from "../errors";
import type { AdmissionState } from "../http/app-env";
import type { Remaining, SettleInput, SettleStatus } from "../limits/gate-types";
import { markSettled, type RequestTrace } from "../telemetry/request-trace";
import { costMicroUsd } from "../usage/pricing";
import { queueSettlement } from "./settle-queue";

export interface UsageReport {
  status: SettleStatus;
  promptTokens: number;
  completionTokens: number;
  credentialFingerprint?: string | null;
  /** Answered by the response cache: nothing charged (the tokens above are 0), what it saved recorded. */
  cached?: { savedTokens: number; savedMicroUsd: number };
}

/**
 * Settles one admitted request at its project's gate: charges what was used (a failed upstream reports
 * zeros, an aborted stream what it generated), releases the rest of the reservation and writes the single
 * ledger row. Queued with the isolate's other settlements for the project (settle-queue.ts); idempotent by
 * request id at the gate. With a trace, the wait until the gate took it is the request's settlement span.
 */
export function settleRequest(
  ctx: Pick<ExecutionContext, "waitUntil">,
  env: Pick<Env, "PROJECT_GATE">,
  projectId: string,
  requestId: string,
  admission: AdmissionState,
  report: UsageReport,
  trace?: RequestTrace,
): void {
  const startMs = Date.now();
  const status = report.status;
  if (trace) trace.settlement = { done: false };
  queueSettlement(
    ctx,
    env,
    projectId,
    settlementFor(requestId, admission, report),
    trace &&
      (() => markSettled(trace, { name: "settlement", startMs, attributes: { "tollgate.settle.status": status } })),
  );
}

/** The gate's settle input for one request (pure). */
export function settlementFor(requestId: string, admission: AdmissionState, report: UsageReport): SettleInput {
  const { provider, model } = admission.target;
  const cost = costOf(admission, report);
  return {
    requestId,
    promptTokens: report.promptTokens,
    completionTokens: report.completionTokens,
    costMicroUsd: cost.microUsd,
    priceVersion: cost.priceVersion,
    status: report.status,
    latencyMs: Date.now() - admission.startedAt,
    provider,
    model,
    sessionId: admission.sessionId,
    guardrailEvents: admission.guardrailEvents,
    credentialFingerprint: report.credentialFingerprint ?? null,
    ...(report.cached && { cached: report.cached }),
    userId: admission.userId,
    admittedAt: admission.startedAt,
  };
}

/** What the request cost at the versioned price table (pure; the gate charges exactly this). */
export function costOf(admission: AdmissionState, report: Pick<UsageReport, "promptTokens" | "completionTokens">) {
  const { provider, model } = admission.target;
  return costMicroUsd({
    provider,
    model,
    promptTokens: report.promptTokens,
    completionTokens: report.completionTokens,
  });
}

/**
 * The budget left after this request, as the response headers report it without waiting for settlement:
 * what admission left after reserving the worst case, plus the part of the reservation not used.
 */
export function remainingAfter(admission: AdmissionState, charged: { tokens: number; microUsd: number }): Remaining {
  const { remaining, reserved } = admission;
  return {
    tokens: remaining.tokens + Math.max(0, reserved.tokens - charged.tokens),
    microUsd:
      remaining.microUsd === null ? null : remaining.microUsd + Math.max(0, reserved.microUsd - charged.microUsd),
  };
}

/** The ledger status of a request that ended with an error before any token was generated. */
export function statusForError(error: GatewayError | Error | undefined): SettleStatus {
  if (!error || !("code" in error)) return "provider_error";
  if (error.code === "provider_timeout") return "timeout";
  if (error.code.startsWith("provider")) return "provider_error";
  return "blocked";
}
