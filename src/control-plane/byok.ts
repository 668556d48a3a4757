import { z } from "@hono/zod-openapi";
import { auditTarget, recordAudit } from "../audit/writer";
import { database } from "../db/client";
import { newId } from "../db/ids";
import {
  costCenterScope,
  deleteProviderKey,
  listProviderKeys,
  TENANT_SCOPE,
  upsertProviderKey,
  type ProviderKeyRow,
} from "../db/provider-keys";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import { checkBaseUrl } from "../providers/base-url-policy";
import { findProvider, type ProviderRow } from "../providers/catalog";
import {
  credentialIdentity,
  EnterpriseKeyFields,
  isEnterpriseProvider,
  storedCredential,
} from "../providers/enterprise-credentials";
import { validateEnterpriseCredential, validateProviderKey } from "../providers/validate-key";
import { encryptProviderKey, keyFingerprint } from "../secrets/byok-cipher";
import { parseMasterKeys } from "../secrets/master-keys";
import { syncTenantGates } from "./gate-sync";
import { controlRouter } from "./openapi-app";
import { commonErrors, jsonBody, jsonResponse, taggedRoute } from "./schemas";
import { visibleTenant } from "./tenants";

const ProviderParams = z.object({
  tenantId: z.string().min(1).max(64),
  provider: z.string().regex(/^[a-z0-9-]{1,32}$/),
});
const ScopeQuery = z.object({ cost_center: z.string().min(1).max(100).optional() });

const PutProviderKey = z
  .object({
    // Required for API-key providers; Vertex reads `service_account` (or its JSON text here), Bedrock the aws_* fields.
    api_key: z.string().min(8).max(16_384).optional(),
    base_url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("Override the provider's API base URL (self-hosted or regional)"),
    cost_center: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Attach to one cost center instead of the whole tenant"),
    ...EnterpriseKeyFields.shape,
  })
  .strict();

const ProviderKeyView = z
  .object({
    provider: z.string(),
    scope: z.string(),
    fingerprint: z.string(),
    base_url: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("ProviderKey");

const route = taggedRoute("byok");

const putKey = route({
  method: "put",
  path: "/auth/v1/tenants/{tenantId}/providers/{provider}",
  summary: "Store the tenant's own provider key: validated against the provider, then AES-256-GCM encrypted",
  request: { params: ProviderParams, ...jsonBody(PutProviderKey) },
  responses: { 200: jsonResponse(ProviderKeyView, "Stored; the key itself is never returned"), ...commonErrors },
});
const listKeys = route({
  method: "get",
  path: "/auth/v1/tenants/{tenantId}/providers",
  request: { params: ProviderParams.pick({ tenantId: true }) },
  responses: {
    200: jsonResponse(z.object({ data: z.array(ProviderKeyView) }), "Providers and fingerprints, never keys"),
    ...commonErrors,
  },
});
const deleteKey = route({
  method: "delete",
  path: "/auth/v1/tenants/{tenantId}/providers/{provider}",
  request: { params: ProviderParams, query: ScopeQuery },
  responses: { 200: jsonResponse(ProviderKeyView, "Deleted"), ...commonErrors },
});

export function byokRoutes() {
  const app = controlRouter();

  app.openapi(putKey, async (c) => {
    const { tenantId, provider } = c.req.valid("param");
    const tenant = await visibleTenant(c.env, c.get("actor"), tenantId);
    if (tenant.plan === "free")
      throw new GatewayError("byok_requires_pro", "Storing provider keys needs the pro plan or above.");
    const row = findProvider(provider);
    if (!row || row.mock)
      throw new GatewayError("invalid_request", `Unknown provider '${provider}'.`, { param: "provider" });
    const body = c.req.valid("json");
    const credential = await credentialToStore(row, body);
    // Before the validation call: that call already sends the key to the URL.
    const verdict = credential.baseUrl
      ? checkBaseUrl(credential.baseUrl, { allowPrivate: loadConfig(c.env).BYOK_ALLOW_PRIVATE_BASE_URL })
      : { ok: true as const };
    if (!verdict.ok) throw new GatewayError("invalid_request", `base_url ${verdict.reason}.`, { param: "base_url" });
    const validation = isEnterpriseProvider(row)
      ? await validateEnterpriseCredential(provider, credential.secret, credential.baseUrl ?? row.baseUrl)
      : await validateProviderKey(provider, credential.secret, { baseUrl: body.base_url });
    if (!validation.ok) {
      const reason =
        validation.reason === "invalid_key"
          ? "the provider rejected the key"
          : `the provider could not confirm the key (${validation.reason})`;
      throw new GatewayError("provider_key_invalid", `Key not stored: ${reason}.`, { param: "api_key" });
    }
    const scope = body.cost_center ? costCenterScope(body.cost_center) : TENANT_SCOPE;
    const ring = await parseMasterKeys(loadConfig(c.env).BYOK_MASTER_KEYS);
    const now = Date.now();
    const stored = {
      id: newId("pk"),
      tenantId,
      provider,
      scope,
      ciphertext: await encryptProviderKey(credential.secret, { tenantId, provider, scope }, ring),
      fingerprint: await keyFingerprint(credential.identity),
      baseUrl: credential.baseUrl,
      createdAt: now,
      updatedAt: now,
    };
    const previous = (await listProviderKeys(database(c.env), tenantId)).find(
      (key) => key.provider === provider && key.scope === scope,
    );
    await upsertProviderKey(database(c.env), stored);
    // Gates hold the sealed keys the hot path pays with: the next request must use this one.
    await syncTenantGates(c.env, tenantId);
    // Fingerprint, scope and base URL only: never the key or its ciphertext.
    await recordAudit(c, {
      tenantId,
      action: "byok.put",
      target: auditTarget(["tenant", tenantId], ["provider", `${provider}@${scope}`]),
      before: previous && providerKeyView(previous),
      after: providerKeyView(stored),
    });
    return c.json(providerKeyView(stored), 200);
  });

  app.openapi(listKeys, async (c) => {
    const tenant = await visibleTenant(c.env, c.get("actor"), c.req.valid("param").tenantId);
    return c.json({ data: (await listProviderKeys(database(c.env), tenant.id)).map(providerKeyView) }, 200);
  });

  app.openapi(deleteKey, async (c) => {
    const { tenantId, provider } = c.req.valid("param");
    await visibleTenant(c.env, c.get("actor"), tenantId);
    const costCenter = c.req.valid("query").cost_center;
    const deleted = await deleteProviderKey(
      database(c.env),
      tenantId,
      provider,
      costCenter ? costCenterScope(costCenter) : TENANT_SCOPE,
    );
    if (!deleted) throw new GatewayError("not_found", "No key stored for this provider.");
    await syncTenantGates(c.env, tenantId);
    await recordAudit(c, {
      tenantId,
      action: "byok.delete",
      target: auditTarget(["tenant", tenantId], ["provider", `${provider}@${deleted.scope}`]),
      before: providerKeyView(deleted),
    });
    return c.json(providerKeyView(deleted), 200);
  });

  return app;
}

/** The plaintext to seal, what its fingerprint names, and the base URL to store, per credential shape. */
async function credentialToStore(
  row: ProviderRow,
  body: z.infer<typeof PutProviderKey>,
): Promise<{ secret: string; identity: string; baseUrl: string | null }> {
  if (isEnterpriseProvider(row)) {
    const stored = storedCredential(row, body);
    if (!stored.ok) throw new GatewayError("invalid_request", stored.message, { param: stored.param });
    return { secret: stored.secret, identity: credentialIdentity(row, stored.secret), baseUrl: stored.baseUrl };
  }
  if (!body.api_key)
    throw new GatewayError("invalid_request", "api_key is required for this provider.", { param: "api_key" });
  return { secret: body.api_key, identity: body.api_key, baseUrl: body.base_url ?? null };
}

function providerKeyView(row: Pick<ProviderKeyRow, "provider" | "scope" | "fingerprint" | "baseUrl" | "updatedAt">) {
  return {
    provider: row.provider,
    scope: row.scope,
    fingerprint: row.fingerprint,
    base_url: row.baseUrl,
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
