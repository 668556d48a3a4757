import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { API, call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";
import { interceptOpenAiUpstream } from "../support/fake-upstream";
import { chat } from "./support";

// Attacks on issue #16 item 7 ("Hardening"): each test is the request an attacker would send, against the whole
// Worker. The body-cap, audit-chain, RPM-window and placeholder items have their own files.

afterEach(() => vi.restoreAllMocks());

const UPSTREAM = "https://hardening.test/v1";
const BYOK_KEY = "sk-hardening-0123456789abcdef01";

async function endUser(admin: string, extra: Record<string, unknown> = {}) {
  const project = await createProject(admin, { provider_model: "openai/gpt-4o-mini" }, extra);
  const key = await createKey(admin, project.id);
  const minted = await mint(key.key, { user_id: "attacker" });
  return { project, token: minted.json.token as string };
}

describe("image parts: only https: and data: URLs reach a provider", () => {
  it.each([
    "gs://victim-bucket/private.png",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "file:///etc/passwd",
    "s3://victim-bucket/private.png",
  ])("refuses %s before admission and sends nothing upstream", async (url) => {
    const tenant = await createTenant("pro");
    const { project, token } = await endUser(tenant.admin);
    const seen = interceptOpenAiUpstream(UPSTREAM);
    const res = await chat(project.slug, token, {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe this image." },
            { type: "image_url", image_url: { url } },
          ],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    expect(seen).toHaveLength(0);
  });
});

describe("GET /v1/models tells an end user nothing about who pays", () => {
  it("shows no key fingerprint, cost-center scope or key material of a BYOK tenant", async () => {
    const tenant = await createTenant("pro");
    interceptOpenAiUpstream(UPSTREAM);
    const stored = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
      token: tenant.admin,
      body: { api_key: BYOK_KEY, base_url: UPSTREAM, cost_center: "cc-secret-scope" },
    });
    expect(stored.status, stored.text).toBe(200);
    const { project, token } = await endUser(tenant.admin, { cost_center: "cc-secret-scope" });

    const res = await call("GET", projectUrl(project.slug, "/v1/models"), { token });
    expect(res.status).toBe(200);
    expect(res.json.data.length).toBeGreaterThan(0);
    const fingerprint = stored.json.fingerprint as string;
    expect(fingerprint.length).toBeGreaterThan(4);
    expect(res.text).not.toContain(fingerprint);
    expect(res.text).not.toContain("cc-secret-scope");
    expect(res.text).not.toContain(BYOK_KEY);
    expect(res.text).not.toMatch(/fingerprint|cost_center/);
  });
});

describe("BYOK base_url under the deployed policy", () => {
  /** The Worker as deployed: BYOK_ALLOW_PRIVATE_BASE_URL is a dev-only switch (wrangler.toml sets it for `npm run dev`). */
  async function putDeployed(tenant: { id: string; admin: string }, baseUrl: string) {
    // An incoming request in production carries `cf`; tests have none, which the entry never reads.
    const request = new Request(`${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${tenant.admin}`, "Content-Type": "application/json" },
      body: JSON.stringify({ api_key: BYOK_KEY, base_url: baseUrl }),
    }) as Request<unknown, IncomingRequestCfProperties>;
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, { ...env, BYOK_ALLOW_PRIVATE_BASE_URL: "false" } as Env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each([
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:8080/v1",
    "https://10.0.0.5/v1",
    "https://[::1]/v1",
    "http://api.openai.com/v1",
    "https://metadata.google.internal/",
  ])("refuses %s without sending the key there, and stores nothing", async (baseUrl) => {
    const tenant = await createTenant("pro");
    const outbound = vi.spyOn(globalThis, "fetch");
    const res = await putDeployed(tenant, baseUrl);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; param?: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.param).toBe("base_url");
    expect(JSON.stringify(body)).not.toContain(BYOK_KEY);
    expect(outbound).not.toHaveBeenCalled();
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM provider_keys WHERE tenant_id = ?")
      .bind(tenant.id)
      .first<number>("n");
    expect(rows).toBe(0);
  });
});

describe("/docs loads nothing from a third-party origin", () => {
  it("serves its page, script and style from the gateway itself", async () => {
    const page = await call("GET", `${API}/docs`);
    expect(page.status).toBe(200);
    const references = [...page.text.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1] ?? "");
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference, reference).not.toMatch(/^(https?:)?\/\//i);
    for (const reference of references.filter((r) => r.startsWith("/"))) {
      const asset = await call("GET", `${API}${reference}`);
      expect(asset.status, reference).toBe(200);
    }
  });
});
