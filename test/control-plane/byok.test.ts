import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { API, call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";
import { authorizations, interceptOpenAiUpstream } from "../support/fake-upstream";

/**
 * BYOK keys reach the chat hot path through the project gate's snapshot, never a per-request D1 read
 * (ARCHITECTURE "hot path"). These tests pin the two halves of that: a chat pays with the gate's copy
 * even after the D1 row is gone, and every PUT/DELETE (and cost-center change) re-syncs the affected
 * gates, so the very next request sees the change.
 */

const UPSTREAM = "https://byok-sync.test/v1";
const OPERATOR_UPSTREAM = "https://operator-sync.test/v1";
const KEY_A = "sk-first-0123456789abcdef0123";
const KEY_B = "sk-second-0123456789abcdef012";

afterEach(() => vi.restoreAllMocks());

async function projectWithToken(admin: string, extra: Record<string, unknown> = {}) {
  const project = await createProject(admin, { provider_model: "openai/gpt-4o-mini" }, extra);
  const key = await createKey(admin, project.id);
  const minted = await mint(key.key, { user_id: "user-1" });
  return { project, token: minted.json.token as string };
}

const putKey = (tenant: { id: string; admin: string }, apiKey: string, costCenter?: string) =>
  call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
    token: tenant.admin,
    body: { api_key: apiKey, base_url: UPSTREAM, ...(costCenter && { cost_center: costCenter }) },
  });

const chat = (slug: string, token: string) =>
  call("POST", projectUrl(slug, "/v1/chat/completions"), {
    token,
    body: { messages: [{ role: "user", content: "hi" }] },
  });

describe("BYOK keys on the chat hot path", () => {
  it("pays with the gate's copy of the key: no D1 read of provider_keys per request", async () => {
    const tenant = await createTenant("pro");
    const { project, token } = await projectWithToken(tenant.admin);
    const seen = interceptOpenAiUpstream(UPSTREAM, OPERATOR_UPSTREAM);
    expect((await putKey(tenant, KEY_A)).status).toBe(200);

    // Behind the control plane's back: the row disappears from D1. The gate still holds the sealed key.
    await env.DB.prepare("DELETE FROM provider_keys WHERE tenant_id = ?").bind(tenant.id).run();
    const res = await chat(project.slug, token);
    expect(res.status, res.text).toBe(200);
    expect(authorizations(seen)).toEqual([`Bearer ${KEY_A}`]);
  });

  it("uses a key stored through the API from the next request, and refuses after a DELETE through the API", async () => {
    const tenant = await createTenant("pro");
    const { project, token } = await projectWithToken(tenant.admin);
    const seen = interceptOpenAiUpstream(UPSTREAM, OPERATOR_UPSTREAM);

    expect((await chat(project.slug, token)).json.error.code).toBe("provider_not_configured");
    expect((await putKey(tenant, KEY_A)).status).toBe(200);
    expect((await chat(project.slug, token)).status).toBe(200);
    expect((await putKey(tenant, KEY_B)).status).toBe(200);
    expect((await chat(project.slug, token)).status).toBe(200);
    expect(authorizations(seen)).toEqual([`Bearer ${KEY_A}`, `Bearer ${KEY_B}`]);

    const deleted = await call("DELETE", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
      token: tenant.admin,
    });
    expect(deleted.status).toBe(200);
    const refused = await chat(project.slug, token);
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("provider_not_configured");
    expect(seen).toHaveLength(2);
  });

  it("re-syncs every project of the tenant: a cost center's key pays for its projects only", async () => {
    const tenant = await createTenant("enterprise");
    const eng = await projectWithToken(tenant.admin, { cost_center: "eng" });
    const plain = await projectWithToken(tenant.admin);
    const seen = interceptOpenAiUpstream(UPSTREAM, OPERATOR_UPSTREAM);
    expect((await putKey(tenant, KEY_A)).status).toBe(200);
    expect((await putKey(tenant, KEY_B, "eng")).status).toBe(200);

    expect((await chat(eng.project.slug, eng.token)).status).toBe(200);
    expect((await chat(plain.project.slug, plain.token)).status).toBe(200);
    expect(authorizations(seen)).toEqual([`Bearer ${KEY_B}`, `Bearer ${KEY_A}`]);

    // Moving the project out of its cost center re-syncs its gate: the tenant-wide key pays from the next call.
    const moved = await call("PATCH", `${API}/v1/projects/${eng.project.id}`, {
      token: tenant.admin,
      body: { cost_center: null },
    });
    expect(moved.status, moved.text).toBe(200);
    expect((await chat(eng.project.slug, eng.token)).status).toBe(200);
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${KEY_A}`);
  });

  it("takes a tenant off the operator's default model from the request after its first key, in every project", async () => {
    const operatorEnv = {
      ...env,
      OPERATOR_DEFAULT_MODEL: "openai/gpt-4o-mini",
      OPERATOR_PROVIDER_KEY: "sk-operator-0123456789abcdef",
      OPERATOR_PROVIDER_BASE_URL: OPERATOR_UPSTREAM,
    } as Env;
    const chatAsOperator = async (slug: string, token: string) => {
      const ctx = createExecutionContext();
      const request = new Request(projectUrl(slug, "/v1/chat/completions"), {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
      }) as Request<unknown, IncomingRequestCfProperties>;
      const response = await worker.fetch(request, operatorEnv, ctx);
      const body = (await response.json()) as { error?: { code: string } };
      await waitOnExecutionContext(ctx);
      return { status: response.status, code: body.error?.code };
    };
    const tenant = await createTenant("enterprise");
    const { project, token } = await projectWithToken(tenant.admin);
    const seen = interceptOpenAiUpstream(UPSTREAM, OPERATOR_UPSTREAM);
    expect(await chatAsOperator(project.slug, token)).toEqual({ status: 200, code: undefined });
    expect(authorizations(seen)).toEqual(["Bearer sk-operator-0123456789abcdef"]);

    // A key for another cost center's projects only: this project has no key, but its tenant is now a BYOK tenant.
    expect((await putKey(tenant, KEY_A, "research")).status).toBe(200);
    expect(await chatAsOperator(project.slug, token)).toEqual({ status: 400, code: "provider_not_configured" });
    expect(seen).toHaveLength(1);
  });
});
