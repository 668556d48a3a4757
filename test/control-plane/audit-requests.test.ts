import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { projectGate } from "../../src/limits/gate-client";
import { API, call, createTenant, operator, projectUrl, setupProject } from "../support/control-plane";

const requests = (token: string, query = "") => call("GET", `${API}/v1/audit/requests${query}`, { token });

async function ledgerRow(
  tenantId: string,
  projectId: string,
  overrides: {
    requestId?: string;
    userId?: string;
    model?: string;
    status?: string;
    createdAt?: number;
    events?: string;
  } = {},
) {
  const requestId = overrides.requestId ?? `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const createdAt = overrides.createdAt ?? Date.now();
  await env.DB.prepare(
    `INSERT INTO usage_ledger (request_id, tenant_id, project_id, user_id, session_id, provider, model, prompt_tokens, completion_tokens,
       cost_micro_usd, credential_fingerprint, latency_ms, status, guardrail_events, day, created_at)
     VALUES (?, ?, ?, ?, 's1', 'openai', ?, 10, 20, 1500, 'fp_secretish', 42, ?, ?, ?, ?)`,
  )
    .bind(
      requestId,
      tenantId,
      projectId,
      overrides.userId ?? "user-1",
      overrides.model ?? "gpt-4o-mini",
      overrides.status ?? "ok",
      overrides.events ?? "[]",
      new Date(createdAt).toISOString().slice(0, 10),
      createdAt,
    )
    .run();
  return requestId;
}

describe("GET /v1/audit/requests", () => {
  it("lists an admitted request's metadata once its ledger row lands — and no content", async () => {
    const { project, token, tenant } = await setupProject({ settings: { pii_mode: "enforce", pii_action: "mask" } });
    const prompt = "Please email jane.doe@example.com about the merger";
    const chat = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), {
      token,
      body: { model: "mock/echo", messages: [{ role: "user", content: prompt }] },
    });
    expect(chat.status).toBe(200);
    const requestId = chat.headers.get("X-Request-Id")!;
    // Settlement is batched after the response (settle-queue.ts): poll until the row has landed.
    const res = await vi.waitFor(
      async () => {
        await projectGate(env, project.id).flushLedger();
        const listed = await requests(tenant.admin, `?request_id=${requestId}`);
        expect(listed.json.data).toHaveLength(1);
        return listed;
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(res.json.data).toEqual([
      expect.objectContaining({
        request_id: requestId,
        project_id: project.id,
        user_id: "user-1",
        model: "echo",
        status: "ok",
        prompt_tokens: chat.json.usage.prompt_tokens,
        completion_tokens: chat.json.usage.completion_tokens,
        guardrail_events: [expect.objectContaining({ kind: "pii", findings: [{ type: "EMAIL", count: 1 }] })],
      }),
    ]);
    expect(res.text).not.toContain("jane.doe");
    expect(res.text).not.toContain("merger");
    expect(res.text).not.toContain("credential_fingerprint");
  });

  it("filters by user, model, status and time, newest first", async () => {
    const tenant = await createTenant();
    const [p1, p2] = ["prj_audit_req_1", "prj_audit_req_2"];
    const t0 = Date.parse("2026-03-01T00:00:00Z");
    const a = await ledgerRow(tenant.id, p1, { userId: "alice", createdAt: t0 });
    const b = await ledgerRow(tenant.id, p1, { userId: "bob", model: "gpt-4o", createdAt: t0 + 1_000 });
    const c = await ledgerRow(tenant.id, p2, { userId: "alice", status: "blocked", createdAt: t0 + 2_000 });
    const ids = async (query: string) =>
      (await requests(tenant.admin, query)).json.data.map((r: { request_id: string }) => r.request_id);
    expect(await ids("")).toEqual([c, b, a]);
    expect(await ids("?user_id=alice")).toEqual([c, a]);
    expect(await ids(`?project_id=${p1}`)).toEqual([b, a]);
    expect(await ids("?model=gpt-4o")).toEqual([b]);
    expect(await ids("?status=blocked")).toEqual([c]);
    expect(await ids(`?from=${new Date(t0 + 500).toISOString()}&to=${new Date(t0 + 1_500).toISOString()}`)).toEqual([
      b,
    ]);
    expect(await ids("?limit=1&offset=1")).toEqual([b]);
    const row = (await requests(tenant.admin, `?request_id=${a}`)).json.data[0];
    expect(row).toMatchObject({ cost_usd: "0.001500", latency_ms: 42, session_id: "s1" });
  });

  it("confines a tenant admin to its tenant; the operator may name one", async () => {
    const mine = await createTenant();
    const other = await createTenant();
    const theirs = await ledgerRow(other.id, "prj_other");
    expect((await requests(mine.admin)).json.data.map((r: { request_id: string }) => r.request_id)).not.toContain(
      theirs,
    );
    expect((await requests(mine.admin, `?tenant_id=${other.id}`)).status).toBe(404);
    expect(
      (await requests(operator(), `?tenant_id=${other.id}`)).json.data.map((r: { request_id: string }) => r.request_id),
    ).toEqual([theirs]);
  });
});
