import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { CACHE_HEADER, CACHE_TOOLS_HEADER, cacheEligibility } from "../cache/key";
import { syncProjectGate } from "../control-plane/gate-sync";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { denialToError } from "../limits/admission-denial";
import { projectGate } from "../limits/gate-client";
import type { AdmitDecision, AdmitInput, BudgetInput, PayingCredentials } from "../limits/gate-types";
import { resolveModel } from "../providers/registry";
import { SessionId } from "../memory/key";
import { recordPhase } from "../telemetry/request-trace";
import type { ChatRequest } from "../providers/openai-schema";
import { microUsdPerMillion } from "../usage/pricing";
import { estimatePromptTokens } from "../usage/token-count";
import { chooseModel, isDefaultAlias } from "./model-policy";
import { settleRequest, statusForError } from "./settle";

/**
 * One round trip to the project's Durable Object: kill switches, suspension, key revocation, project and
 * user RPM, token and dollar budgets (the worst case is reserved). A denial becomes its GatewayError here.
 * From then on the request is admitted and must leave exactly one ledger row: unless the handler takes over
 * settlement (streams settle when they end), this middleware settles it after the response, charging
 * nothing for a request refused or failed before any token was generated.
 */
export function admitRequest(options: { cached?: boolean } = {}) {
  return createMiddleware<DataPlaneEnv>(async function admitRequest(c, next) {
    const { chat, claims, project } = c.var;
    const sessionId = readSessionId(c.req.header("X-Session-Id"));
    const budget = budgetInput(chat, { embedding: c.var.embeddings !== undefined });
    // Only a route with the cache step (`cached`) may leave its reservation to it (docs/cache.md).
    const cacheable = options.cached === true && cacheEligibility(chat, cacheHeaders(c)).eligible;
    const input: AdmitInput = {
      requestId: c.get("requestId"),
      userId: claims.uid,
      ...(claims.tier !== undefined && { tier: claims.tier }),
      ...(claims.akid !== undefined && { apiKeyId: claims.akid }),
      provider: budget.explicit?.provider.id ?? "",
      ...budget.input,
      ...(cacheable && { deferBudget: true }),
    };
    const admittingAt = Date.now();
    const decision = await admitAtGate(c, input);
    traceAdmission(c, admittingAt, decision);
    if (!decision.ok) throw denialToError(decision);

    const target = resolveModel(chooseModel(chat.model, decision.settings));
    c.set("settings", decision.settings);
    c.set("admission", {
      startedAt: Date.now(),
      userId: claims.uid,
      costCenter: decision.costCenter ?? null,
      remaining: decision.remaining,
      reserved: {
        tokens: decision.reservation.tokens,
        completionTokens: decision.reservation.completionTokens,
        microUsd: decision.reservation.microUsd,
      },
      target: {
        provider: target?.provider.id ?? "unknown",
        model: target?.model ?? chooseModel(chat.model, decision.settings),
      },
      sessionId,
      guardrailEvents: [],
      newMessages: chat.messages,
      ...(decision.deferred && { deferred: true }),
    });
    // hono's every() composes the later steps without an error handler, so their throws pass through here
    // and never reach code after `await next()`: the finally is what settles a refused or failed request.
    let failure: unknown;
    try {
      // A gate whose stored snapshot predates BYOK credentials gets a fresh one, once; later requests read none.
      c.set(
        "credentials",
        decision.credentials ?? (await syncProjectGate(c.env, project.id))?.credentials ?? NO_CREDENTIALS,
      );
      await next();
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      settleUnlessHandled(c, failure ?? c.error);
    }
  });
}

/**
 * Settles a request the handler did not take over: refused by a later step, failed or thrown. It charges
 * what the provider reported if it answered (an answer refused afterwards, e.g. output PII) and nothing
 * otherwise, and records the refusal code beside the guardrail events in the ledger row.
 */
function settleUnlessHandled(c: Context<DataPlaneEnv>, error: unknown): void {
  const admission = c.get("admission");
  if (admission.settledBy === "handler") return;
  // A copy: the refusal belongs in the ledger row; the request log already names it as `error_code`.
  const settled =
    error === undefined
      ? admission
      : {
          ...admission,
          guardrailEvents: [...admission.guardrailEvents, { kind: "refusal" as const, code: refusalCode(error) }],
        };
  settleRequest(
    c.executionCtx,
    c.env,
    c.get("project").id,
    c.get("requestId"),
    settled,
    {
      status: statusForError(error instanceof Error ? error : undefined),
      promptTokens: admission.usage?.promptTokens ?? 0,
      completionTokens: admission.usage?.completionTokens ?? 0,
    },
    c.get("trace"),
  );
}

function refusalCode(error: unknown): string {
  return error instanceof GatewayError ? error.code : "internal_error";
}

/** The gate's decision, configuring the gate from D1 once when it has no snapshot yet; sets the rate-limit headers. */
export async function admitAtGate(c: Context<DataPlaneEnv>, input: AdmitInput): Promise<AdmitDecision> {
  const gate = projectGate(c.env, c.get("project").id);
  let decision = await gate.admit(input);
  if (!decision.ok && decision.reason === "not_configured") {
    await syncProjectGate(c.env, c.get("project").id); // first request after a restore or a fresh deploy
    decision = await gate.admit(input);
  }
  if (decision.rateLimit) c.set("rateLimit", decision.rateLimit);
  return decision;
}

/** The admission child span and the request span's decision attribute (docs/observability.md). */
function traceAdmission(c: Context<DataPlaneEnv>, startMs: number, decision: AdmitDecision): void {
  const trace = c.get("trace");
  if (!trace) return;
  trace.admission = decision.ok ? { decision: "admitted" } : { decision: "denied", reason: decision.reason };
  recordPhase(trace, {
    name: "admission",
    startMs,
    attributes: {
      "tollgate.admission.decision": trace.admission.decision,
      "tollgate.admission.reason": trace.admission.reason,
      "tollgate.admission.budget": decision.ok ? undefined : decision.budget,
      "tollgate.admission.reserved_tokens": decision.ok ? decision.reservation.tokens : undefined,
    },
  });
}

/**
 * What the worst case is computed from: the prompt estimate, the completion cap, `n`, and the explicit model's
 * price (without one the gate prices the project's, tier-merged, model itself). An embedding reserves its input only.
 */
export function budgetInput(
  chat: ChatRequest,
  options: { embedding: boolean },
): { input: BudgetInput; explicit: ReturnType<typeof resolveModel> } {
  const requestedModel = chat.model && !isDefaultAlias(chat.model) ? chat.model : null;
  const explicit = requestedModel?.includes("/") ? resolveModel(requestedModel) : null;
  // Both caps given: the larger is reserved (a provider reading the other one could generate that much).
  const completions = Math.max(chat.max_completion_tokens ?? 0, chat.max_tokens ?? 0) || undefined;
  return {
    explicit,
    input: {
      model: requestedModel,
      estimatedPromptTokens: estimatePromptTokens(chat.messages, chat.tools),
      ...(completions !== undefined && { maxTokens: completions }),
      ...(chat.n != null && { choices: chat.n }),
      ...(options.embedding && { embedding: true as const }),
      // Without an explicit model the gate prices the project's (tier-merged) model itself.
      ...(explicit && { priceMicroUsdPerMillion: microUsdPerMillion(`${explicit.provider.id}/${explicit.model}`) }),
    },
  };
}

/** The request headers that decide whether the response cache may answer (docs/cache.md). */
export function cacheHeaders(c: Context<DataPlaneEnv>) {
  return {
    cacheControl: c.req.header("Cache-Control"),
    cache: c.req.header(CACHE_HEADER),
    cacheTools: c.req.header(CACHE_TOOLS_HEADER),
  };
}

const NO_CREDENTIALS: PayingCredentials = { keys: [], tenantHasByok: false };

function readSessionId(header: string | undefined): string | null {
  if (header === undefined) return null;
  const parsed = SessionId.safeParse(header);
  if (!parsed.success)
    throw new GatewayError("invalid_request", "X-Session-Id must be 1-128 printable ASCII characters.", {
      param: "X-Session-Id",
    });
  return parsed.data;
}
