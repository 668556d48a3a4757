import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProjectGate } from "../../durable-objects/project-gate";
import type { GateSnapshot } from "../../src/limits/gate-types";
import { API, call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";
import { authorizations, interceptOpenAiUpstream } from "../support/fake-upstream";

/**
 * Admission hands the chat handler the sealed BYOK keys from the gate's snapshot. A gate whose stored
 * snapshot was written before snapshots carried keys (a deployment upgrading) is re-synced once by the
 * first request that meets it, which then pays with the key as usual.
 */
const UPSTREAM = "https://admission-keys.test/v1";
const KEY = "sk-admission-0123456789abcdef";

/** The snapshot in force, held by the gate's configuration (durable-objects/project-gate/configuration.ts). */
function inForce(instance: ProjectGate): { current: GateSnapshot } {
  return (instance as unknown as { gate: { config: { current: GateSnapshot } } }).gate.config;
}

afterEach(() => vi.restoreAllMocks());

describe("credentials from admission", () => {
  it("re-syncs a gate whose snapshot predates BYOK keys, once, and pays with the key", async () => {
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, { provider_model: "openai/gpt-4o-mini" });
    const minted = await mint((await createKey(tenant.admin, project.id)).key, { user_id: "user-1" });
    const seen = interceptOpenAiUpstream(UPSTREAM);
    const put = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
      token: tenant.admin,
      body: { api_key: KEY, base_url: UPSTREAM },
    });
    expect(put.status, put.text).toBe(200);

    // The gate as an older release left it: everything but the keys.
    const gate = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(project.id));
    const held = () => runInDurableObject(gate, (instance: ProjectGate) => inForce(instance).current.credentials);
    await runInDurableObject(gate, (instance: ProjectGate) => {
      const slot = inForce(instance);
      const { credentials: _dropped, ...legacy } = slot.current;
      slot.current = legacy;
    });
    expect(await held()).toBeUndefined();

    const res = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), {
      token: minted.json.token,
      body: { messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status, res.text).toBe(200);
    expect(authorizations(seen)).toEqual([`Bearer ${KEY}`]);
    expect((await held())?.keys).toEqual([
      expect.objectContaining({ provider: "openai", scope: "tenant", baseUrl: UPSTREAM }),
    ]);
  });

  it("never returns a key of another cost center or tenant from the gate", async () => {
    const tenant = await createTenant("enterprise");
    const stranger = await createTenant("enterprise");
    interceptOpenAiUpstream(UPSTREAM);
    for (const [who, costCenter] of [
      [tenant, "eng"],
      [tenant, "sales"],
      [tenant, undefined],
      [stranger, "eng"],
    ] as const) {
      const res = await call("PUT", `${API}/auth/v1/tenants/${who.id}/providers/openai`, {
        token: who.admin,
        body: { api_key: KEY, base_url: UPSTREAM, ...(costCenter && { cost_center: costCenter }) },
      });
      expect(res.status, res.text).toBe(200);
    }
    const project = await createProject(tenant.admin, undefined, { cost_center: "eng" });
    const gate = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(project.id));
    const decision = await gate.admit({
      requestId: `req_${crypto.randomUUID()}`,
      userId: "u",
      provider: "",
      model: null,
      estimatedPromptTokens: 1,
      maxTokens: 1,
    });
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.credentials?.tenantHasByok).toBe(true);
    // Only the key that pays (payingKeyFor): the cost center's own, not the tenant-wide one behind it, nor any other.
    expect(decision.credentials?.keys.map((key) => key.scope)).toEqual(["cc:eng"]);
  });
});
