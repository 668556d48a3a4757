import { describe, expect, it } from "vitest";
import { API, call, mint, projectUrl, setupProject } from "../support/control-plane";
import { chat, ledgerRows } from "./support";

// Attack (issue #16 item 4): the memory and models routes ran only the entry checks, so a revoked key's JWT,
// a suspended or kill-switched project still read and deleted memory, unlimited by RPM.
const routes = [
  ["GET", "/v1/models"],
  ["GET", "/v1/memory/s1"],
  ["DELETE", "/v1/memory/s1"],
  ["GET", "/v1/responses/resp_none"],
  ["DELETE", "/v1/responses/resp_none"],
] as const;
/** The routes that answer 200 for any session id (a stored response that does not exist is a 404). */
const alwaysOk = routes.slice(0, 3);

async function expectAllRefused(slug: string, token: string, status: number, code: string) {
  for (const [method, path] of routes) {
    const res = await call(method, projectUrl(slug, path), { token });
    expect(res.status, `${method} ${path}`).toBe(status);
    expect(res.json.error.code).toBe(code);
  }
}

describe("every data-plane route admits", () => {
  it("refuses a revoked key's JWT like chat does", async () => {
    const { tenant, project, token, key } = await setupProject();
    expect((await call("GET", projectUrl(project.slug, "/v1/models"), { token })).status).toBe(200);
    await call("DELETE", `${API}/v1/projects/${project.id}/keys/${key.id}`, { token: tenant.admin });
    await expectAllRefused(project.slug, token, 401, "api_key_revoked");
  });

  it("refuses a kill-switched project, then a suspended one", async () => {
    const { tenant, project, token } = await setupProject();
    await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: true },
    });
    await expectAllRefused(project.slug, token, 503, "kill_switch_active");
    await call("POST", `${API}/v1/admin/killswitch/project/${project.id}`, {
      token: tenant.admin,
      body: { enabled: false },
    });
    await call("POST", `${API}/v1/projects/${project.id}/suspend`, { token: tenant.admin });
    const chat = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), {
      token,
      body: { model: "mock/tollgate-mock", messages: [{ role: "user", content: "Hi" }] },
    });
    for (const [method, path] of routes) {
      const res = await call(method, projectUrl(project.slug, path), { token });
      expect(res.status).toBe(chat.status);
      expect(res.json.error.code).toBe(chat.json.error.code);
    }
  });

  it("shares the project RPM window with chat and reports it in the headers", async () => {
    const { project, token } = await setupProject({ settings: { rpm_limit: 4, user_rpm_fraction: 0 } });
    const answer = await chat(project.slug, token, {
      model: "mock/tollgate-mock",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(answer.status).toBe(200);
    await answer.text();
    const remaining: string[] = [];
    for (const [method, path] of alwaysOk) {
      const res = await call(method, projectUrl(project.slug, path), { token });
      expect(res.status, `${method} ${path}`).toBe(200);
      expect(res.headers.get("X-RateLimit-Limit")).toBe("4");
      remaining.push(res.headers.get("X-RateLimit-Remaining") ?? "");
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await chat(project.slug, token, {
      model: "mock/tollgate-mock",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("keeps counting RPM for a user whose token budget is spent, who may still read and delete memory", async () => {
    // A daily budget of 1 token: every chat is refused budget_exceeded (and, refused, takes no RPM slot).
    const { project, token } = await setupProject({
      settings: { rpm_limit: 10, user_rpm_fraction: 0.3, tokens_per_day: 1 },
    });
    const broke = await chat(project.slug, token, {
      model: "mock/tollgate-mock",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(broke.status).toBe(429);
    expect((await broke.json<{ error: { code: string } }>()).error.code).toBe("budget_exceeded");
    // 3 per user per minute (0.3 × 10), budget or not.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call("DELETE", projectUrl(project.slug, "/v1/memory/s1"), { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("writes no usage-ledger row and holds no reservation for these routes", async () => {
    const { project, token } = await setupProject();
    for (const [method, path] of alwaysOk)
      expect((await call(method, projectUrl(project.slug, path), { token })).status).toBe(200);
    expect(await ledgerRows(project.id)).toEqual([]);
  });

  it("re-checks the live CORS allowlist: an origin removed a moment ago cannot delete memory", async () => {
    const origin = "https://app.example.com";
    const { tenant, project, token } = await setupProject({ settings: { cors_origins: [origin] } });
    const allowed = await call("DELETE", projectUrl(project.slug, "/v1/memory/s1"), {
      token,
      headers: { Origin: origin },
    });
    expect(allowed.status).toBe(200);
    const update = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { cors_origins: [] },
    });
    expect(update.status).toBe(200);
    for (const [method, path] of routes) {
      const res = await call(method, projectUrl(project.slug, path), { token, headers: { Origin: origin } });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.code).toBe("origin_not_allowed");
    }
  });

  it("counts against the user RPM limit", async () => {
    const { project, key } = await setupProject({ settings: { rpm_limit: 10, user_rpm_fraction: 0.5 } });
    const token = (await mint(key.key, { user_id: "reader" })).json.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await call("GET", projectUrl(project.slug, "/v1/memory/s1"), { token })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });
});
