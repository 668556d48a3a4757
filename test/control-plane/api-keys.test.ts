import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API, call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";

describe("API keys", () => {
  it("returns the plaintext once and stores only hash, lookup index and prefix", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const created = await createKey(tenant.admin, project.id);
    expect(created.key).toMatch(/^tg_sk_live_[0-9a-f]{32}$/);
    expect(created.key.startsWith(created.prefix.replace("…", ""))).toBe(true);

    const listed = await call("GET", `${API}/v1/projects/${project.id}/keys`, { token: tenant.admin });
    expect(listed.text).not.toContain(created.key);
    expect(listed.json.data[0]).not.toHaveProperty("key");

    const rows = await env.DB.prepare("SELECT * FROM api_keys WHERE project_id = ?").bind(project.id).all();
    const stored = JSON.stringify(rows.results);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(created.key.slice("tg_sk_live_".length));
    expect(rows.results[0]).toMatchObject({
      role: "user",
      hash: expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
    });

    const tenantRows = JSON.stringify(
      (await env.DB.prepare("SELECT * FROM admin_credentials WHERE tenant_id = ?").bind(tenant.id).all()).results,
    );
    expect(tenantRows).not.toContain(tenant.admin);
  });

  it("rotates atomically: the old key stops, the successor works, a second rotation of the old key fails", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const old = await createKey(tenant.admin, project.id);
    const [first, second] = await Promise.all([
      call("POST", `${API}/v1/projects/${project.id}/keys/${old.id}/rotate`, { token: tenant.admin }),
      call("POST", `${API}/v1/projects/${project.id}/keys/${old.id}/rotate`, { token: tenant.admin }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const successor = first.status === 201 ? first.json : second.json;
    expect((await mint(old.key)).status).toBe(401);
    expect((await mint(successor.key)).status).toBe(200);
    const live = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE project_id = ? AND revoked_at IS NULL")
      .bind(project.id)
      .first<{ n: number }>();
    expect(live?.n).toBe(1);
  });

  it("refuses mint with a revoked key, a suspended project's key, another project's key on its host, and malformed headers", async () => {
    const tenant = await createTenant();
    const a = await createProject(tenant.admin);
    const b = await createProject(tenant.admin);
    const keyA = await createKey(tenant.admin, a.id);
    const keyB = await createKey(tenant.admin, b.id);

    const onOtherHost = await call("POST", projectUrl(b.slug, "/auth/v1/auth/mint"), {
      token: keyA.key,
      body: { user_id: "u" },
    });
    expect(onOtherHost.status).toBe(403);
    expect(onOtherHost.json.error.code).toBe("wrong_project");
    const onOwnHost = await call("POST", projectUrl(a.slug, "/auth/v1/auth/mint"), {
      token: keyA.key,
      body: { user_id: "u" },
    });
    expect(onOwnHost.status).toBe(200);

    await call("DELETE", `${API}/v1/projects/${a.id}/keys/${keyA.id}`, { token: tenant.admin });
    const revoked = await mint(keyA.key);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe("invalid_api_key");

    await call("POST", `${API}/v1/projects/${b.id}/suspend`, { token: tenant.admin });
    const suspended = await mint(keyB.key);
    expect(suspended.status).toBe(401); // suspension revokes every key of the project

    const headers = [
      "",
      "Bearer",
      "Bearer ",
      `bearer  ${keyA.key}`,
      `Basic ${keyA.key}`,
      `Bearer ${keyA.key} extra`,
      "Bearer tg_sk_live_xyz",
      `Token ${keyA.key}`,
    ];
    for (const authorization of headers) {
      const res = await call("POST", `${API}/auth/v1/auth/mint`, {
        headers: { Authorization: authorization },
        body: { user_id: "u" },
      });
      expect(res.status, authorization).toBe(401);
      expect(["missing_credentials", "invalid_api_key"]).toContain(res.json.error.code);
    }
  });

  it("validates the mint body: ttl range, unknown fields, unknown tier, role escalation", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const key = await createKey(tenant.admin, project.id);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ user_id: "u", ttl_seconds: 59 }, 400, "ttl_seconds"],
      [{ user_id: "u", ttl_seconds: 86_401 }, 400, "ttl_seconds"],
      [{ user_id: "u", pid: "prj_other" }, 400, "pid"],
      [{}, 400, "user_id"],
      [{ user_id: "u", tier: "gold" }, 400, "tier"],
      [{ user_id: "u", role: "admin" }, 403, "role"],
    ];
    for (const [body, status, param] of cases) {
      const res = await mint(key.key, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.error.param).toBe(param);
    }
    const ok = await mint(key.key, { user_id: "u", ttl_seconds: 60, scopes: ["chat"] });
    expect(ok.status).toBe(200);
    expect(ok.json.expires_in).toBe(60);
  });
});
