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
import {
  chooseCredential,
  meteredFetch,
  operatorConfig,
  operatorTokensLeft,
  type OperatorConfig,
} from "./operator-default";

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
 * Everything needed to call `provider/model` for a project: adapter, base URL, and who pays — the
 * project's cost center's key first, then the tenant-wide one (SPEC BYOK), then, for tenants with no BYOK
 * key at all, the operator's default model (operator-default.ts states the exact rule).
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
  const base = {
    adapter,
    providerLabel: provider.label,
    model,
    fetch: provider.mock ? fetchFor(provider, options.mock) : (options.fetch ?? fetch),
  };
  if (provider.mock) return { ...base, apiKey: "mock", baseUrl: provider.baseUrl, fingerprint: null };

  // One paying key per provider, picked by payingKeyFor when the snapshot was built (an older snapshot lists the
  // cost center's key first, so the first match is still the right one).
  const key = credentials.keys.find((candidate) => candidate.provider === provider.id);
  const operator = key ? null : operatorConfig(env);
  // Without an operator default there is nothing to withhold from a BYOK tenant: the plain "no key" answer.
  const choice = chooseCredential({
    ref,
    byokKey: key,
    tenantHasByok: operator !== null && credentials.tenantHasByok,
    operator,
  });
  if (choice.kind === "byok") return byokTarget(env, tenantId, resolved, choice.key, base.fetch, options);
  if (choice.kind === "operator") return operatorTarget(env, tenantId, resolved, choice.config, base.fetch, options);
  const hint =
    choice.reason === "byok_tenant"
      ? " (this tenant uses its own keys, so the operator's default model is not used)"
      : "";
  throw new GatewayError("provider_not_configured", `No ${provider.label} key is configured for this tenant${hint}.`, {
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
  // Checked before the call for a clear error; the reservation inside meteredFetch is the hard guard.
  if ((await operatorTokensLeft(env, tenantId, config.OPERATOR_TOKENS_PER_TENANT_DAY)) <= 0)
    throw new GatewayError(
      "budget_exceeded",
      "The operator's daily token allowance for this tenant is used up; store your own provider key to continue.",
    );
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
 * What `payingTarget` would choose for each model, without decrypting anything: scopes, fingerprints and
 * regions come from the keys' non-secret columns.
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
    if (provider.mock) {
      routes.set(ref, { provider: provider.id, region: null, credential: { source: "mock" } });
      continue;
    }
    const key = payingKeyFor(keys, provider.id, costCenter);
    const choice = chooseCredential({ ref, byokKey: key, tenantHasByok: keys.length > 0, operator });
    const credential: ModelRoute["credential"] =
      choice.kind === "byok"
        ? { source: "byok", scope: choice.key.scope, fingerprint: choice.key.fingerprint }
        : choice.kind === "operator"
          ? { source: "operator", fingerprint: `operator:${await keyFingerprint(choice.config.OPERATOR_PROVIDER_KEY)}` }
          : {
              source: "none",
              reason: choice.reason === "byok_tenant" ? "no key for this provider" : "provider_not_configured",
            };
    const baseUrl =
      choice.kind === "byok"
        ? choice.key.baseUrl
        : choice.kind === "operator"
          ? (choice.config.OPERATOR_PROVIDER_BASE_URL ?? null)
          : null;
    routes.set(ref, { provider: provider.id, region: regionOf(provider, baseUrl), credential });
  }
  return routes;
}
