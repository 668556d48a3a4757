import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { API, call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";

/**
 * Embeddings paid with the tenant's own key, against stand-ins for the real upstreams (OpenAI and
 * Cohere shapes): the key travels as the provider expects, the provider's token count is what the
 * ledger charges at the table's embedding price, and the credential is named by fingerprint.
 */
const OPENAI = "https://embed-openai.test/v1";
const COHERE = "https://embed-cohere.test";
const KEYS = { openai: "sk-embed-openai-0123456789abcdef", cohere: "co-embed-0123456789abcdef0123" };

interface Seen {
  url: string;
  authorization: string;
  body: Record<string, unknown>;
}

/** OpenAI `/embeddings` and Cohere `/v2/embed` stand-ins; key checks (GET) answer an empty list. */
function interceptEmbeddingUpstreams(): Seen[] {
  const seen: Seen[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(OPENAI) && !request.url.startsWith(COHERE)) return realFetch(input, init);
    if (request.method === "GET") return Response.json({ object: "list", data: [], models: [] });
    const body = (await request.json()) as Record<string, unknown>;
    seen.push({ url: request.url, authorization: request.headers.get("authorization") ?? "", body });
    if (request.url.startsWith(COHERE)) {
      const texts = body.texts as string[];
      return Response.json({
        id: "emb",
        embeddings: { float: texts.map(() => [0.6, 0.8]) },
        texts,
        meta: { billed_units: { input_tokens: 2000 } },
      });
    }
    const inputs = body.input as string[];
    return Response.json({
      object: "list",
      data: inputs.map((_, index) => ({ object: "embedding", index, embedding: [1, 0, 0] })),
      model: body.model,
      usage: { prompt_tokens: 1000, total_tokens: 1000 },
    });
  });
  return seen;
}

async function ledgerRow(projectId: string) {
  for (let attempt = 0; attempt < 60; attempt++) {
    await env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId)).flushLedger();
    const row = await env.DB.prepare("SELECT * FROM usage_ledger WHERE project_id = ?").bind(projectId).first<{
      provider: string;
      model: string;
      prompt_tokens: number;
      cost_micro_usd: number;
      credential_fingerprint: string;
    }>();
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

afterEach(() => vi.restoreAllMocks());

describe("embeddings with BYOK keys", () => {
  it("calls OpenAI with the tenant's key for a bare model name and charges its reported tokens", async () => {
    const seen = interceptEmbeddingUpstreams();
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, { provider_model: "openai/gpt-4o-mini" });
    const put = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
      token: tenant.admin,
      body: { api_key: KEYS.openai, base_url: OPENAI },
    });
    expect(put.status, put.text).toBe(200);
    const token = (await mint((await createKey(tenant.admin, project.id)).key)).json.token;

    const res = await call("POST", projectUrl(project.slug, "/v1/embeddings"), {
      token,
      body: { model: "text-embedding-3-small", input: ["one", "two"], dimensions: 3, user: "u-42" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.model).toBe("openai/text-embedding-3-small");
    expect(res.json.usage).toEqual({ prompt_tokens: 1000, total_tokens: 1000 });
    expect(seen).toEqual([
      {
        url: `${OPENAI}/embeddings`,
        authorization: `Bearer ${KEYS.openai}`,
        body: { model: "text-embedding-3-small", input: ["one", "two"], dimensions: 3, user: "u-42" },
      },
    ]);
    expect(res.text).not.toContain(KEYS.openai);
    const row = await ledgerRow(project.id);
    // $0.02 per million input tokens: 1000 tokens cost 20 micro-USD.
    expect(row).toMatchObject({ provider: "openai", model: "text-embedding-3-small", prompt_tokens: 1000 });
    expect(row?.cost_micro_usd).toBe(20);
    expect(row?.credential_fingerprint).toMatch(/^sha256:/);
  });

  it("translates to Cohere's embed API and back", async () => {
    const seen = interceptEmbeddingUpstreams();
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, { provider_model: "cohere/command-r-08-2024" });
    const put = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/cohere`, {
      token: tenant.admin,
      body: { api_key: KEYS.cohere, base_url: COHERE },
    });
    expect(put.status, put.text).toBe(200);
    const token = (await mint((await createKey(tenant.admin, project.id)).key)).json.token;

    const res = await call("POST", projectUrl(project.slug, "/v1/embeddings"), {
      token,
      body: { model: "cohere/embed-v4.0", input: "a document", encoding_format: "float" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toEqual([{ object: "embedding", index: 0, embedding: [0.6, 0.8] }]);
    expect(seen[0]).toMatchObject({
      url: `${COHERE}/v2/embed`,
      authorization: `Bearer ${KEYS.cohere}`,
      body: { model: "embed-v4.0", texts: ["a document"], input_type: "search_document" },
    });
    const row = await ledgerRow(project.id);
    // $0.12 per million: 2000 billed tokens cost 240 micro-USD.
    expect(row).toMatchObject({ provider: "cohere", model: "embed-v4.0", prompt_tokens: 2000, cost_micro_usd: 240 });
  });
});
