import { z } from "zod";
import { ProjectSettings, TierOverrides } from "../settings/schema";
import type { PricePerMillion } from "./budget";
import type { RateLimitState } from "./rate-limit-state";

/** A shared (cost-center or tenant) dollar budget as the gate forwards it to its BudgetPool. */
export const SharedBudgetLimit = z.object({
  id: z.string(),
  scope: z.enum(["tenant", "cost_center"]),
  scopeId: z.string(),
  period: z.enum(["day", "month"]),
  limitMicroUsd: z.number().int().nonnegative(),
});
export type SharedBudgetLimit = z.infer<typeof SharedBudgetLimit>;

export const AlertConfig = z.object({
  webhookUrl: z.string().url().nullable(),
  /** Percentages, ascending. */
  thresholds: z.array(z.number().min(1).max(100)),
});
export type AlertConfig = z.infer<typeof AlertConfig>;

/**
 * A tenant's BYOK credential as the gate keeps it: the non-secret columns plus the AES-256-GCM ciphertext,
 * which only the Worker (holder of the master key) can open. Same exposure as the D1 row (docs/security.md).
 */
export const SealedCredential = z.object({
  provider: z.string(),
  /** `tenant`, or `cc:{costCenter}` for the project's cost center's own key. */
  scope: z.string(),
  ciphertext: z.string(),
  fingerprint: z.string(),
  baseUrl: z.string().nullable(),
});
export type SealedCredential = z.infer<typeof SealedCredential>;

/**
 * Who may pay for this project's calls, so the hot path never reads D1 for a key: the keys of scope
 * `tenant` and of the project's cost center, and whether the tenant stored any key at all (a BYOK tenant
 * never falls back to the operator's default model; data-plane/operator-default.ts).
 */
export const PayingCredentials = z.object({
  keys: z.array(SealedCredential),
  tenantHasByok: z.boolean(),
});
export type PayingCredentials = z.infer<typeof PayingCredentials>;

const KillSwitchVersions = z.object({ global: z.number().int(), tenant: z.number().int(), project: z.number().int() });
export const UNVERSIONED = { global: 0, tenant: 0, project: 0 };

/** Everything the gate needs to decide alone, without reading D1 per request. Full replacement on configure. */
export const GateSnapshot = z.object({
  projectId: z.string(),
  tenantId: z.string(),
  costCenter: z.string().nullable(),
  status: z.enum(["active", "suspended"]),
  settings: ProjectSettings,
  tiers: z.record(z.string(), TierOverrides),
  killSwitches: z.object({ global: z.boolean(), tenant: z.boolean(), project: z.boolean() }),
  /** `kill_switches.version` of each switch as read or pushed (0: never written, or a snapshot from before versions). */
  killSwitchVersions: KillSwitchVersions.default(UNVERSIONED),
  revokedKeyIds: z.array(z.string()),
  sharedBudgets: z.array(SharedBudgetLimit),
  alerts: AlertConfig.default({ webhookUrl: null, thresholds: [50, 80, 100] }),
  credentials: PayingCredentials.default({ keys: [], tenantHasByok: false }),
});
export type GateSnapshot = z.input<typeof GateSnapshot>;
export type KillSwitchScope = "global" | "tenant" | "project";

/** Orders configurers' reads of D1 at a gate (ProjectGate.readTicket / configure). */
export interface ReadTicket {
  epoch: string;
  ticket: number;
}

/** What the worst case of a request is computed from (admission, or the reservation after a cache miss). */
export interface BudgetInput {
  /** Requested model, or null for the project's `provider_model`. */
  model: string | null;
  /** The client's messages and tool schemas; the gate adds the project's `system_prompt` it injects. */
  estimatedPromptTokens: number;
  /** The completion cap per choice (`max_tokens` / `max_completion_tokens`); the project's cap when absent. */
  maxTokens?: number;
  /** `n`: how many choices the provider generates (and bills); 1 when absent. */
  choices?: number;
  /**
   * An embedding: it generates nothing, gets no system prompt and has no fallback model, so only its input is
   * reserved, at its own model's price.
   */
  embedding?: true;
  priceMicroUsdPerMillion?: PricePerMillion;
}

export interface AdmitInput extends BudgetInput {
  requestId: string;
  userId: string;
  tier?: string;
  apiKeyId?: string;
  provider: string;
  /**
   * The client allows the response cache to answer (no bypass header, no tools without opt-in). When the
   * project's cache is on, the gate then admits without reserving any budget (`deferred` in the decision):
   * a hit costs nothing, and a miss reserves with `reserveDeferred` before the provider is called.
   */
  deferBudget?: boolean;
  /**
   * A route that calls no provider (`/v1/models`, `/v1/memory/:session`): kill switches, suspension,
   * revocation, tier and both RPM windows apply and the RPM slot is taken; budgets are neither checked nor
   * reserved, so there is nothing to settle and no ledger row.
   */
  withoutReservation?: true;
  /** Epoch ms; injected by tests, defaults to Date.now(). */
  now?: number;
}

/** The reservation a deferred admission still owes, made after a cache miss. */
export interface ReserveInput extends BudgetInput {
  requestId: string;
  /** The JWT's tier, whose overrides applied at admission. */
  tier?: string;
  now?: number;
}

export type ReserveDecision =
  | { ok: true; reservation: Reservation; remaining: Remaining }
  | Extract<AdmitDecision, { ok: false }>;

export interface Reservation {
  requestId: string;
  userId: string;
  tokens: number;
  /** Of `tokens`, the completion (max completion × n, reasoning included): what an abort without usage is charged. */
  completionTokens: number;
  microUsd: number;
  createdAt: number;
}

export interface Remaining {
  /** Tokens left today for this user, bounded by the project's daily tokens. */
  tokens: number;
  /** Smallest remaining dollar budget that applies, micro-USD; null when no dollar budget applies. */
  microUsd: number | null;
}

export type DenialReason =
  | "not_configured"
  | "kill_switch"
  | "project_suspended"
  | "key_revoked"
  | "rpm"
  | "user_rpm"
  | "tokens"
  | "budget"
  | "unknown_tier";

export type AdmitDecision =
  | {
      ok: true;
      reservation: Reservation;
      /** Nothing was reserved yet: the response cache may answer; a miss calls `reserveDeferred`. */
      deferred?: true;
      settings: ProjectSettings;
      rateLimit: RateLimitState;
      remaining: Remaining;
      /** Absent only from a gate whose stored snapshot predates this field; admission then re-syncs it. */
      credentials?: PayingCredentials;
      /** The project's cost center (absent from a gate built before this field). */
      costCenter?: string | null;
    }
  | {
      ok: false;
      reason: DenialReason;
      scope?: KillSwitchScope;
      /** Which budget refused (e.g. `user:tokens:day`, `cost_center:eng:month`). */
      budget?: string;
      retryAfter?: number;
      rateLimit?: RateLimitState;
    };

export type AdmitDenial = Extract<AdmitDecision, { ok: false }>;

export type SettleStatus = "ok" | "aborted" | "provider_error" | "timeout" | "blocked" | "abandoned";

export interface SettleInput {
  requestId: string;
  promptTokens: number;
  completionTokens: number;
  costMicroUsd: number;
  status: SettleStatus;
  latencyMs: number;
  model: string;
  provider: string;
  sessionId?: string | null;
  /** Types and counts only, never matched values. */
  guardrailEvents: readonly unknown[];
  credentialFingerprint?: string | null;
  priceVersion?: string | null;
  /** Answered by the response cache (charged nothing): what the original answer cost, for the ledger row. */
  cached?: { savedTokens: number; savedMicroUsd: number };
  /**
   * Who and when (epoch ms) it was admitted: with these, a settle whose reservation the gate no longer has —
   * an object restart inside the write-behind window — still charges the request and writes its ledger row.
   */
  userId?: string;
  admittedAt?: number;
  now?: number;
}

export interface SettleResult {
  /** False when the request id was never admitted here (nothing charged, no row). */
  found: boolean;
  chargedTokens: number;
  chargedMicroUsd: number;
  remaining: Remaining;
}

export interface BudgetLine {
  /** e.g. `project:tokens:day`, `user:u1:usd:month`, `cost_center:eng:usd:day`. */
  name: string;
  unit: "tokens" | "micro_usd";
  period: "day" | "month";
  periodKey: string;
  limit: number;
  spent: number;
  reserved: number;
  remaining: number;
}
