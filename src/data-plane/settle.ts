import type { GatewayError } from "../errors";
import type { AdmissionState } from "../http/app-env";
import { projectGate } from "../limits/gate-client";
import type { SettleResult, SettleStatus } from "../limits/gate-types";
import { costMicroUsd } from "../usage/pricing";

export interface UsageReport {
  status: SettleStatus;
  promptTokens: number;
  completionTokens: number;
  credentialFingerprint?: string | null;
}

/**
 * Settles one admitted request at its project's gate: charges what was used (a failed upstream reports
 * zeros, an aborted stream what it generated), releases the rest of the reservation and writes the single
 * ledger row. Idempotent by request id at the gate.
 */
export async function settleRequest(env: Env, projectId: string, requestId: string, admission: AdmissionState, report: UsageReport): Promise<SettleResult> {
  const { provider, model } = admission.target;
  const cost = costMicroUsd({ provider, model, promptTokens: report.promptTokens, completionTokens: report.completionTokens });
  return projectGate(env, projectId).settle({
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
  });
}

/** The ledger status of a request that ended with an error before any token was generated. */
export function statusForError(error: GatewayError | Error | undefined): SettleStatus {
  if (!error || !("code" in error)) return "provider_error";
  if (error.code === "provider_timeout") return "timeout";
  if (error.code.startsWith("provider")) return "provider_error";
  return "blocked";
}
