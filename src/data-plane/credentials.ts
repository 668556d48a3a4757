import { database } from "../db/client";
import { listProviderKeys, payingKeyFor } from "../db/provider-keys";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { PayingCredentials, SealedCredential } from "../limits/gate-types";
import type { CallTarget } from "../providers/call";
import {
  credentialTransport,
  isEnterpriseProvider,
  regionOf,
  type TransportOptions,
} from "../providers/enterprise-credentials";
import type { MockOptions } from "../providers/mock";
import { fetchFor, resolveModel, type ResolvedModel } from "../providers/registry";
import { keyFingerprint } from "../secrets/byok-cipher";
import { parseMasterKeys } from "../secrets/master-keys";
import { openProviderKey } from "../secrets/opened-keys";
import { meteredFetch, type OperatorConfig, operatorConfig, operatorTokensLeft } from "./operator-default";
import { decidePayer, type PayerDecision, type PayerFacts, type PayerRefusal } from "./who-pays";

export interface PayingTarget extends CallTarget {
  /** Fingerprint of the credential that pays (recorded in the ledger): BYOK `sha256:…`, `operator:sha256:…`, null for the mock. */
  fingerprint: string | null;
}

export interface PayingOptions extends TransportOptions {
  mock?: MockOptions;
  /** The network fetch under the credential's own transport (tests pass a fake). */
  fetch?: typeof fetch;
}

/**
 * Everything needed to call `provider/model` for a project: adapter, base URL, and who pays — decided by
 * `decidePayer` (who-pays.ts, pure); this function gathers its facts and opens the credential it picks.
 *
 * `credentials` are the sealed keys admission returned from the project gate (ARCHITECTURE "hot path": no
 * D1 read per request); control-plane BYOK and cost-center changes re-sync every affected gate. A key is
 * opened here, in memory, for the call (opened-keys.ts may keep it per isolate); never logged or returned.
 */
export async function payingTarget(
  env: Env,
  tenantId: string,
  credentials: PayingCredentials,
  ref: string,
  options: PayingOptions = {},
): Promise<PayingTarget> {
  const resolved = resolveModel(ref);
  if (!resolved) throw new GatewayError("invalid_request", `Unknown provider in model '${ref}'.`, { param: "model" });
  const { provider, adapter, model } = resolved;
  const inner = provider.mock ? fetchFor(provider, options.mock) : (options.fetch ?? fetch);
  const { decision, operator } = await decideWithFacts(env, tenantId, {
    ref,
    provider: { id: provider.id, mock: provider.mock === true, enterprise: isEnterpriseProvider(provider) },
    keys: credentials.keys,
    tenantHasByok: credentials.tenantHasByok,
    operator: null,
  });
  switch (decision.payer) {
    case "mock":
      return {
        adapter,
        providerLabel: provider.label,
        model,
        apiKey: "mock",
        baseUrl: provider.baseUrl,
        fetch: inner,
        fingerprint: null,
      };
    case "byok":
      return byokTarget(env, tenantId, resolved, decision.key, inner, options);
    case "operator":
      return operatorTarget(env, tenantId, resolved, decision.config, inner, options);
    case "none":
      throw refusalError(decision.refusal, provider.label, operator !== null);
  }
}

/**
 * Runs the decision, adding the facts that cost something only when it would use them: the operator's
 * config (parsing it fails loudly when half set, which must not break a tenant paying with its own key) once
 * no key of the tenant pays, and the operator allowance (a Durable Object read) once the operator would pay.
 */
async function decideWithFacts(
  env: Env,
  tenantId: string,
  facts: PayerFacts<SealedCredential>,
): Promise<{ decision: PayerDecision<SealedCredential>; operator: OperatorConfig | null }> {
  const own = decidePayer(facts);
  if (own.payer !== "none") return { decision: own, operator: null };
  const operator = operatorConfig(env);
  const withOperator = decidePayer({ ...facts, operator });
  if (withOperator.payer !== "operator") return { decision: withOperator, operator };
  const left = await operatorTokensLeft(env, tenantId, withOperator.config.OPERATOR_TOKENS_PER_TENANT_DAY);
  return { decision: decidePayer({ ...facts, operator, operatorTokensLeft: left }), operator };
}

function refusalError(refusal: PayerRefusal, providerLabel: string, operatorConfigured: boolean): GatewayError {
  if (refusal === "operator_allowance_used")
    return new GatewayError(
      "budget_exceeded",
      "The operator's daily token allowance for this tenant is used up; store your own provider key to continue.",
    );
  // Without an operator default there is nothing to withhold from a BYOK tenant: the plain "no key" answer.
  const hint =
    refusal === "byok_tenant" && operatorConfigured
      ? " (this tenant uses its own keys, so the operator's default model is not used)"
      : "";
  return new GatewayError("provider_not_configured", `No ${providerLabel} key is configured for this tenant${hint}.`, {
    param: "model",
  });
}

async function byokTarget(
  env: Env,
  tenantId: string,
  resolved: ResolvedModel,
  key: SealedCredential,
  inner: typeof fetch,
  options: TransportOptions,
): Promise<PayingTarget> {
  const { provider, adapter, model } = resolved;
  const ring = await parseMasterKeys(loadConfig(env).BYOK_MASTER_KEYS);
  const opened = await openProviderKey(key.ciphertext, { tenantId, provider: provider.id, scope: key.scope }, ring);
  if (!opened.ok)
    throw new GatewayError("misconfigured", `The stored ${provider.label} key cannot be decrypted; store it again.`);
  const target = { adapter, providerLabel: provider.label, model, fingerprint: key.fingerprint };
  if (!isEnterpriseProvider(provider))
    return { ...target, apiKey: opened.plaintext, baseUrl: key.baseUrl ?? provider.baseUrl, fetch: inner };
  const transport = credentialTransport(provider, opened.plaintext, key.baseUrl, inner, options);
  if (!transport.ok) throw new GatewayError("misconfigured", `${transport.message} Store it again.`);
  return { ...target, apiKey: transport.redact, baseUrl: transport.baseUrl, fetch: transport.fetch };
}

async function operatorTarget(
  env: Env,
  tenantId: string,
  resolved: ResolvedModel,
  config: OperatorConfig,
  inner: typeof fetch,
  options: TransportOptions,
): Promise<PayingTarget> {
  const { provider, adapter, model } = resolved;
  // The allowance was checked by decidePayer for a clear error; the reservation inside meteredFetch is the hard guard.
  const label = `${provider.label} (operator key)`;
  let apiKey = config.OPERATOR_PROVIDER_KEY;
  let baseUrl = config.OPERATOR_PROVIDER_BASE_URL ?? provider.baseUrl;
  let transportFetch = inner;
  if (isEnterpriseProvider(provider)) {
    const transport = credentialTransport(
      provider,
      config.OPERATOR_PROVIDER_KEY,
      config.OPERATOR_PROVIDER_BASE_URL ?? null,
      inner,
      options,
    );
    if (!transport.ok)
      throw new GatewayError(
        "misconfigured",
        "Gateway misconfigured: OPERATOR_PROVIDER_KEY is not a readable credential.",
      );
    [apiKey, baseUrl, transportFetch] = [transport.redact, transport.baseUrl, transport.fetch];
  }
  const metered = meteredFetch({
    env,
    tenantId,
    limit: config.OPERATOR_TOKENS_PER_TENANT_DAY,
    adapter,
    providerLabel: label,
    inner: transportFetch,
  });
  return {
    adapter,
    providerLabel: label,
    model,
    apiKey,
    baseUrl,
    fetch: metered,
    fingerprint: `operator:${await keyFingerprint(config.OPERATOR_PROVIDER_KEY)}`,
  };
}

/** One `/v1/models` entry's routing: which provider, region and credential a model will use. */
export interface ModelRoute {
  provider: string;
  region: string | null;
  credential:
    | { source: "byok"; scope: string; fingerprint: string }
    | { source: "operator"; fingerprint: string }
    | { source: "mock" }
    | { source: "none"; reason: string };
}

/**
 * What `payingTarget` would choose for each model — the same `decidePayer`, without reading the allowance or
 * decrypting anything: scopes, fingerprints and regions come from the keys' non-secret columns.
 */
export async function describeModelRoutes(
  env: Env,
  tenantId: string,
  costCenter: string | null,
  refs: string[],
): Promise<Map<string, ModelRoute>> {
  const keys = await listProviderKeys(database(env), tenantId);
  const operator = operatorConfig(env);
  const routes = new Map<string, ModelRoute>();
  for (const ref of refs) {
    const resolved = resolveModel(ref);
    if (!resolved) continue;
    const { provider } = resolved;
    const key = payingKeyFor(keys, provider.id, costCenter);
    const choice = decidePayer({
      ref,
      provider: { id: provider.id, mock: provider.mock === true, enterprise: isEnterpriseProvider(provider) },
      keys: key ? [key] : [],
      tenantHasByok: keys.length > 0,
      operator,
    });
    if (choice.payer === "mock") {
      routes.set(ref, { provider: provider.id, region: null, credential: { source: "mock" } });
      continue;
    }
    const credential: ModelRoute["credential"] =
      choice.payer === "byok"
        ? { source: "byok", scope: choice.key.scope, fingerprint: choice.key.fingerprint }
        : choice.payer === "operator"
          ? { source: "operator", fingerprint: `operator:${await keyFingerprint(choice.config.OPERATOR_PROVIDER_KEY)}` }
          : {
              source: "none",
              reason: choice.refusal === "byok_tenant" ? "no key for this provider" : "provider_not_configured",
            };
    const baseUrl =
      choice.payer === "byok"
        ? choice.key.baseUrl
        : choice.payer === "operator"
          ? (choice.config.OPERATOR_PROVIDER_BASE_URL ?? null)
          : null;
    routes.set(ref, { provider: provider.id, region: regionOf(provider, baseUrl), credential });
  }
  return routes;
}
