import { env } from "cloudflare:test";
import { SETTING_DEFAULTS, type ProjectSettings } from "../../src/settings/schema";
import type { AdmitInput, GateSnapshot, SettleInput } from "../../src/limits/gate-types";

/** A fresh gate per test: unique names keep tests independent of each other's counters. */
export function freshGate(projectId: string = `prj_${crypto.randomUUID()}`) {
  return { projectId, gate: env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId)) };
}

export function snapshot(
  projectId: string,
  patch: Partial<GateSnapshot> = {},
  settings: Partial<ProjectSettings> = {},
): GateSnapshot {
  return {
    projectId,
    tenantId: "ten_test",
    costCenter: null,
    status: "active",
    settings: { ...SETTING_DEFAULTS, ...settings },
    tiers: {},
    killSwitches: { global: false, tenant: false, project: false },
    revokedKeyIds: [],
    sharedBudgets: [],
    ...patch,
  };
}

let seq = 0;
export function admitInput(patch: Partial<AdmitInput> = {}): AdmitInput {
  return {
    requestId: `req_${++seq}_${crypto.randomUUID()}`,
    userId: "user_a",
    provider: "mock",
    model: null,
    estimatedPromptTokens: 10,
    maxTokens: 10,
    ...patch,
  };
}

export function settleInput(requestId: string, patch: Partial<SettleInput> = {}): SettleInput {
  return {
    requestId,
    promptTokens: 10,
    completionTokens: 10,
    costMicroUsd: 0,
    status: "ok",
    latencyMs: 5,
    model: "mock/tollgate-mock",
    provider: "mock",
    guardrailEvents: [],
    ...patch,
  };
}

/**
 * Noon UTC tomorrow: far enough ahead that the real-clock alarm (abandon sweep, flush) never treats a test's
 * reservations as stale, and mid-day so a test never straddles a period rollover.
 */
const today = new Date();
export const T0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 12, 0, 0);
