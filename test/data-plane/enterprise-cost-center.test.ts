import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { payingTarget } from "../../src/data-plane/credentials";
import { database } from "../../src/db/client";
import { loadGateSnapshot } from "../../src/limits/gate-snapshot";
import { encryptProviderKey, keyFingerprint } from "../../src/secrets/byok-cipher";
import { parseMasterKeys } from "../../src/secrets/master-keys";
import { call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";
import { interceptOpenAiUpstream } from "../support/fake-upstream";

/**
 * SPEC BYOK per cost center: a project in a cost center is paid for by that cost center's key, before
 * the tenant-wide one, so each department's provider invoice is its own — and the ledger row names the
 * key (by fingerprint) that paid. Outbound calls are observed by spying on the Worker's global fetch
 * (tests and Worker share one isolate; `fetchMock` is gone from vitest-pool-workers 0.14).
 */

const UPSTREAM = "https://upstream.test/v1";
const KEYS = {
  eng: "sk-eng-0123456789abcdef0123",
  sales: "sk-sales-0123456789abcdef01",
  tenant: "sk-tenant-0123456789abcdef0",
};

async function storeKey(tenantId: string, scope: string, apiKey: string) {
  const ring = await parseMasterKeys(env.BYOK_MASTER_KEYS!);
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO provider_keys (id, tenant_id, provider, scope, ciphertext, fingerprint, base_url, created_at, updated_at) VALUES (?, ?, 'openai', ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      `pk_${crypto.randomUUID()}`,
      tenantId,
      scope,
      await encryptProviderKey(apiKey, { tenantId, provider: "openai", scope }, ring),
      await keyFingerprint(apiKey),
      UPSTREAM,
      now,
      now,
    )
    .run();
}

async function projectIn(admin: string, costCenter: string | null) {
  const project = await createProject(
    admin,
    { provider_model: "openai/gpt-4o-mini" },
    costCenter ? { cost_center: costCenter } : {},
  );
  const key = await createKey(admin, project.id);
  const minted = await mint(key.key, { user_id: "user-1" });
  return { project, token: minted.json.token as string };
}

async function ledgerFingerprints(projectId: string): Promise<string[]> {
  for (let attempt = 0; attempt < 60; attempt++) {
    await env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId)).flushLedger();
    const rows = await env.DB.prepare("SELECT credential_fingerprint FROM usage_ledger WHERE project_id = ?")
      .bind(projectId)
      .all<{ credential_fingerprint: string | null }>();
    if (rows.results.length > 0) return rows.results.map((row) => row.credential_fingerprint ?? "null");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [];
}

/** The sealed keys a project's gate would hold (and admission return) after a sync now. */
async function credentialsOf(projectId: string) {
  return (await loadGateSnapshot(database(env), projectId))!.credentials!;
}

afterEach(() => vi.restoreAllMocks());

describe("BYOK per cost center", () => {
  it("calls the upstream with each cost center's own key, the tenant key elsewhere, and records who paid", async () => {
    const tenant = await createTenant("enterprise");
    await storeKey(tenant.id, "cc:eng", KEYS.eng);
    await storeKey(tenant.id, "cc:sales", KEYS.sales);
    await storeKey(tenant.id, "tenant", KEYS.tenant);
    const projects = {
      eng: await projectIn(tenant.admin, "eng"),
      sales: await projectIn(tenant.admin, "sales"),
      tenant: await projectIn(tenant.admin, null),
    };
    const seen = interceptOpenAiUpstream(UPSTREAM);

    const table = [
      ["eng", KEYS.eng],
      ["sales", KEYS.sales],
      ["tenant", KEYS.tenant],
    ] as const;
    for (const [name, apiKey] of table) {
      const { project, token } = projects[name];
      const res = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), {
        token,
        body: { messages: [{ role: "user", content: "hi" }] },
      });
      expect(res.status, res.text).toBe(200);
      expect(seen.at(-1), name).toEqual({ url: `${UPSTREAM}/chat/completions`, authorization: `Bearer ${apiKey}` });
      expect(await ledgerFingerprints(project.id), name).toEqual([await keyFingerprint(apiKey)]);
    }
    expect(seen).toHaveLength(3);
  });

  it("falls back to the tenant-wide key for a cost center without its own, and never to another cost center's", async () => {
    const tenant = await createTenant("enterprise");
    await storeKey(tenant.id, "cc:eng", KEYS.eng);
    const marketing = await createProject(tenant.admin, undefined, { cost_center: "marketing" });
    await expect(
      payingTarget(env, tenant.id, await credentialsOf(marketing.id), "openai/gpt-4o-mini"),
    ).rejects.toMatchObject({ code: "provider_not_configured" });
    await storeKey(tenant.id, "tenant", KEYS.tenant);
    expect(await payingTarget(env, tenant.id, await credentialsOf(marketing.id), "openai/gpt-4o-mini")).toMatchObject({
      apiKey: KEYS.tenant,
      fingerprint: await keyFingerprint(KEYS.tenant),
      baseUrl: UPSTREAM,
    });
  });

  it("never pays with another tenant's cost-center key of the same name", async () => {
    const owner = await createTenant("enterprise");
    const other = await createTenant("enterprise");
    await storeKey(owner.id, "cc:eng", KEYS.eng);
    const project = await createProject(other.admin, undefined, { cost_center: "eng" });
    await expect(
      payingTarget(env, other.id, await credentialsOf(project.id), "openai/gpt-4o-mini"),
    ).rejects.toMatchObject({ code: "provider_not_configured" });
  });

  it("shows each model's provider and region in /v1/models, and never which key pays", async () => {
    const tenant = await createTenant("enterprise");
    await storeKey(tenant.id, "cc:eng", KEYS.eng);
    const { project, token } = await projectIn(tenant.admin, "eng");
    const res = await call("GET", projectUrl(project.slug, "/v1/models"), { token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toContainEqual(
      expect.objectContaining({
        id: "openai/gpt-4o-mini",
        provider: "openai",
        region: null,
      }),
    );
    for (const model of res.json.data) expect(model).not.toHaveProperty("credential");
    expect(res.text).not.toContain(KEYS.eng);
    expect(res.text).not.toContain(await keyFingerprint(KEYS.eng));
    expect(res.text).not.toContain("cc:eng");
  });
});
