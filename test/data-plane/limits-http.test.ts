import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  API,
  call,
  createKey,
  createProject,
  type ErrorReply,
  mint,
  projectUrl,
  setupProject,
} from "../support/control-plane";

/** The usage_ledger columns these tests read. */
interface LedgerRow {
  request_id: string;
  status: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micro_usd: number;
}

const chatUrl = (slug: string) => projectUrl(slug, "/v1/chat/completions");
const hello = (extra: Record<string, unknown> = {}) => ({
  model: "mock/tollgate-mock",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

function post(slug: string, token: string, body: unknown, signal?: AbortSignal) {
  return SELF.fetch(chatUrl(slug), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

async function ledgerRows(projectId: string) {
  await env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId)).flushLedger();
  const rows = await env.DB.prepare("SELECT * FROM usage_ledger WHERE project_id = ?").bind(projectId).all<LedgerRow>();
  return rows.results;
}

/** Releases a response body we do not read (a read one is left alone). */
async function discard(res: Response): Promise<void> {
  if (!res.bodyUsed) await res.body?.cancel();
}

/** Settlement runs after the response (waitUntil); poll the ledger until it holds `n` rows, bounded. */
async function waitForRows(projectId: string, n: number) {
  let rows: LedgerRow[] = [];
  for (let attempt = 0; attempt < 60 && rows.length < n; attempt++) {
    rows = await ledgerRows(projectId);
    if (rows.length < n) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return rows;
}

describe("limits over HTTP", () => {
  it("admits exactly rpm_limit of 200 concurrent requests, with Retry-After on the 429s", async () => {
    const { project, token } = await setupProject({ settings: { rpm_limit: 50, user_rpm_fraction: 0 } });
    const responses = await Promise.all(Array.from({ length: 200 }, () => post(project.slug, token, hello())));
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(150);
    const refused = responses.find((res) => res.status === 429)!;
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect((await refused.json<ErrorReply>()).error.code).toBe("rate_limit_exceeded");
    await Promise.all(responses.map(discard));
  });

  it("applies the per-user limit (fraction of the project's) to each user separately", async () => {
    const { project, token, key } = await setupProject({ settings: { rpm_limit: 1000, user_rpm_fraction: 0.02 } });
    const other = (await mint(key.key, { user_id: "user-2" })).json.token as string;
    const mine = await Promise.all(Array.from({ length: 60 }, () => post(project.slug, token, hello())));
    expect(mine.filter((res) => res.status === 200)).toHaveLength(20);
    const theirs = await post(project.slug, other, hello());
    expect(theirs.status).toBe(200);
    await Promise.all([...mine, theirs].map(discard));
  });

  it("never charges more than the token budget across 50 concurrent streams; failures charge nothing", async () => {
    // Each request reserves its prompt estimate + max_tokens (20); the day's budget fits about ten of them.
    const { project, token } = await setupProject({
      settings: { tokens_per_day: 300, user_rpm_fraction: 1, rpm_limit: 1000 },
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post(project.slug, token, hello({ stream: true, max_tokens: 20 }))),
    );
    const admitted = responses.filter((res) => res.status === 200);
    expect(admitted.length).toBeGreaterThanOrEqual(5);
    expect(admitted.length).toBeLessThan(50);
    expect(responses.filter((res) => res.status === 429).every((res) => res.headers.get("Retry-After"))).toBe(true);
    await Promise.all(responses.map((res) => res.text()));

    const failed = await post(project.slug, token, hello({ model: "mock/fail-500", max_tokens: 20 }));
    expect([502, 429]).toContain(failed.status);
    await failed.text();

    const rows = await waitForRows(project.id, admitted.length + (failed.status === 502 ? 1 : 0));
    const charged = rows.reduce((sum, row) => sum + row.prompt_tokens + row.completion_tokens, 0);
    expect(charged).toBeLessThanOrEqual(300);
    const failedRow = rows.find((row) => row.status === "provider_error");
    if (failed.status === 502)
      expect(failedRow).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, cost_micro_usd: 0 });
  });

  it("charges an aborted stream for what it generated", async () => {
    const { project, token } = await setupProject();
    const controller = new AbortController();
    const res = await post(project.slug, token, hello({ model: "mock/slow", stream: true }), controller.signal);
    const reader = res.body!.getReader();
    await reader.read(); // the first chunk arrived: the mock is still producing the rest
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const [row] = await waitForRows(project.id, 1);
    expect(row).toMatchObject({ status: "aborted" });
    expect(row!.completion_tokens).toBeGreaterThan(0);
  });

  it("holds a kill switch from the very next request, and releases it", async () => {
    const { tenant, project, token } = await setupProject();
    expect((await post(project.slug, token, hello())).status).toBe(200);
    const on = await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    const refused = await post(project.slug, token, hello());
    expect(refused.status).toBe(503);
    expect((await refused.json<ErrorReply>()).error.code).toBe("kill_switch_active");
    await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: false },
    });
    expect((await post(project.slug, token, hello())).status).toBe(200);

    const tenantOn = await call("POST", `${API}/v1/admin/killswitch/tenant/${tenant.id}`, {
      token: tenant.admin,
      body: { enabled: true },
    });
    expect(tenantOn.status).toBe(200);
    expect((await post(project.slug, token, hello())).status).toBe(503);
    await call("POST", `${API}/v1/admin/killswitch/tenant/${tenant.id}`, {
      token: tenant.admin,
      body: { enabled: false },
    });
  });

  it("stops tokens of a revoked key and of a suspended project at once", async () => {
    const { tenant, project, token, key } = await setupProject();
    expect((await post(project.slug, token, hello())).status).toBe(200);
    await call("DELETE", `${API}/v1/projects/${project.id}/keys/${key.id}`, { token: tenant.admin });
    const revoked = await post(project.slug, token, hello());
    expect(revoked.status).toBe(401);
    expect((await revoked.json<ErrorReply>()).error.code).toBe("api_key_revoked");

    const second = await createKey(tenant.admin, project.id);
    const fresh = (await mint(second.key)).json.token as string;
    expect((await post(project.slug, fresh, hello())).status).toBe(200);
    await call("POST", `${API}/v1/projects/${project.id}/suspend`, { token: tenant.admin });
    const suspended = await post(project.slug, fresh, hello());
    expect([401, 403]).toContain(suspended.status);
  });

  it("leaves exactly one ledger row per admitted request, and the FinOps sums equal the rows", async () => {
    const { tenant, project, token } = await setupProject({ settings: { rpm_limit: 1000, user_rpm_fraction: 1 } });
    const models = ["mock/tollgate-mock", "mock/fail-500", "mock/echo"];
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(project.slug, token, hello({ model: models[i % 3], stream: i % 2 === 0 })),
      ),
    );
    await Promise.all(responses.map((res) => res.text()));
    const rows = await waitForRows(project.id, 30);
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(30);

    const usage = await call("GET", `${API}/v1/usage?group_by=model&project_id=${project.id}`, { token: tenant.admin });
    expect(usage.status, usage.text).toBe(200);
    const sum = (field: "prompt_tokens" | "completion_tokens") => rows.reduce((total, row) => total + row[field], 0);
    expect(usage.json.total).toMatchObject({
      requests: 30,
      prompt_tokens: sum("prompt_tokens"),
      completion_tokens: sum("completion_tokens"),
    });
  });

  it("holds a cost-center dollar budget across two projects", async () => {
    const { tenant } = await setupProject();
    const budget = await call("POST", `${API}/v1/budgets`, {
      token: tenant.admin,
      body: { scope: "cost_center", cost_center: "shared", period: "day", limit_usd: 0.0005 },
    });
    expect(budget.status, budget.text).toBe(201);
    const tokens: { slug: string; token: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const project = await createProject(
        tenant.admin,
        { rpm_limit: 1000, user_rpm_fraction: 1 },
        { cost_center: "shared" },
      );
      const key = await createKey(tenant.admin, project.id);
      tokens.push({ slug: project.slug, token: (await mint(key.key)).json.token });
    }
    // mock/tollgate-mock costs $1 / $2 per million: each request reserves ~$0.000045 at max_tokens 20.
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(tokens[i % 2]!.slug, tokens[i % 2]!.token, hello({ max_tokens: 20 }))),
    );
    const admitted = responses.filter((res) => res.status === 200);
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThan(40);
    const refused = responses.find((res) => res.status === 429);
    expect((await refused!.json<ErrorReply>()).error.code).toBe("budget_exceeded");
    await Promise.all(responses.map(discard));
  });
});

describe("dollar budgets on the project's default model", () => {
  it("prices a request that names no model at the project's model", async () => {
    // $0.0002 a day at mock/tollgate-mock's $1/$2 per million: a max_tokens=20 request reserves ~$0.00005.
    const { project, token } = await setupProject({
      settings: { budget_usd: { project: { day: 0.0002 } }, rpm_limit: 1000, user_rpm_fraction: 1 },
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(project.slug, token, { messages: [{ role: "user", content: "Hi" }], max_tokens: 20 }),
      ),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    await Promise.all(responses.map(discard));
  });
});
