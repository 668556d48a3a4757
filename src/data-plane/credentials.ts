import { database } from "../db/client";
import { findProject } from "../db/projects";
import { findPayingKeys } from "../db/provider-keys";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { CallTarget } from "../providers/call";
import type { MockOptions } from "../providers/mock";
import { fetchFor, resolveModel } from "../providers/registry";
import { decryptProviderKey } from "../secrets/byok-cipher";
import { parseMasterKeys } from "../secrets/master-keys";

export interface PayingTarget extends CallTarget {
  /** Fingerprint of the BYOK key that pays (recorded in the ledger); null for the mock. */
  fingerprint: string | null;
}

/**
 * Everything needed to call `provider/model` for a project: adapter, base URL, and the tenant's own key —
 * the project's cost center's key first, then the tenant-wide one (SPEC BYOK). The key is decrypted here,
 * in memory, for this one call; it is never logged or returned.
 */
export async function payingTarget(env: Env, tenantId: string, projectId: string, ref: string, mock?: MockOptions): Promise<PayingTarget> {
  const resolved = resolveModel(ref);
  if (!resolved) throw new GatewayError("invalid_request", `Unknown provider in model '${ref}'.`, { param: "model" });
  const { provider, adapter, model } = resolved;
  const base = { adapter, providerLabel: provider.label, model, fetch: fetchFor(provider, mock) };
  if (provider.mock) return { ...base, apiKey: "mock", baseUrl: provider.baseUrl, fingerprint: null };

  const db = database(env);
  const project = await findProject(db, projectId);
  const [key] = await findPayingKeys(db, tenantId, provider.id, project?.costCenter ?? null);
  if (!key) throw new GatewayError("provider_not_configured", `No ${provider.label} key is configured for this tenant.`, { param: "model" });
  const ring = await parseMasterKeys(loadConfig(env).BYOK_MASTER_KEYS);
  const opened = await decryptProviderKey(key.ciphertext, { tenantId, provider: provider.id, scope: key.scope }, ring);
  if (!opened.ok) throw new GatewayError("misconfigured", `The stored ${provider.label} key cannot be decrypted; store it again.`);
  return { ...base, apiKey: opened.plaintext, baseUrl: key.baseUrl ?? provider.baseUrl, fingerprint: key.fingerprint };
}
