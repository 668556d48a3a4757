import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API, call, createKey, createProject, createTenant, operator } from "../support/control-plane";

describe("projects", () => {
  it("creates a project with a generated slug, both hostnames and READY provisioning", async () => {
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, undefined, { cost_center: "support" });
    expect(project.slug).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
    expect(project.hostnames).toEqual({
      production: `${project.slug}.tollgate.example`,
      development: `${project.slug}.dev.tollgate.example`,
      local: `${project.slug}.localhost:8787`,
    });
    expect(project.dns_status).toBe("READY");
    expect(project.status).toBe("active");
  });

  it("refuses a 4th active project on the free plan, and a resume that would exceed it", async () => {
    const tenant = await createTenant("free");
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createProject(tenant.admin));
    const fourth = await call("POST", `${API}/v1/projects`, { token: tenant.admin, body: { name: "four" } });
    expect(fourth.status).toBe(403);
    expect(fourth.json.error.code).toBe("plan_limit_reached");

    const suspended = await call("POST", `${API}/v1/projects/${created[0]!.id}/suspend`, { token: tenant.admin });
    expect(suspended.json.status).toBe("suspended");
    await createProject(tenant.admin); // frees a slot → allowed
    const resume = await call("POST", `${API}/v1/projects/${created[0]!.id}/resume`, { token: tenant.admin });
    expect(resume.status).toBe(403);
    expect(resume.json.error.code).toBe("plan_limit_reached");
  });

  it("keeps the free cap under concurrent creation", async () => {
    const tenant = await createTenant("free");
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        call("POST", `${API}/v1/projects`, { token: tenant.admin, body: { name: "race" } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403).every((r) => r.json.error.code === "plan_limit_reached")).toBe(true);
  });

  it("gives every concurrently created project a unique slug", async () => {
    const tenant = await createTenant("enterprise");
    const results = await Promise.all(Array.from({ length: 25 }, () => createProject(tenant.admin)));
    expect(new Set(results.map((p) => p.slug)).size).toBe(25);
    const rows = await env.DB.prepare(
      "SELECT count(DISTINCT slug) AS n, count(*) AS total FROM projects WHERE tenant_id = ?",
    )
      .bind(tenant.id)
      .first<{ n: number; total: number }>();
    expect(rows).toEqual({ n: 25, total: 25 });
  });

  it("validates settings against the one schema, naming the param, and changes nothing", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const cases: [unknown, string][] = [
      [{ rpm_limit: 0 }, "rpm_limit"],
      [{ rpm_limit: 10_001 }, "rpm_limit"],
      [{ rpm_limit: "60" }, "rpm_limit"],
      [{ memory_window: 101 }, "memory_window"],
      [{ pii_mode: "loud" }, "pii_mode"],
      [{ cors_origins: ["https://ok.example.com/path"] }, "cors_origins.0"],
      [{ surprise: true }, "surprise"],
    ];
    for (const [body, param] of cases) {
      const res = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, { token: tenant.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatchObject({ code: "invalid_request", type: "invalid_request_error", param });
    }
    const malformed = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("invalid_request");

    const settings = await call("GET", `${API}/v1/projects/${project.id}/settings`, { token: tenant.admin });
    expect(settings.json).toMatchObject({
      rpm_limit: 60,
      user_rpm_fraction: 0.1,
      tokens_per_day: 1_000_000,
      memory_window: 10,
      sentinel_mode: "shadow",
      pii_mode: "disabled",
    });

    const patched = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { rpm_limit: 120 },
    });
    expect(patched.json).toMatchObject({ rpm_limit: 120, memory_window: 10 });
  });

  it("hides other tenants' resources behind 404s", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const projectOfB = await createProject(b.admin);
    const keyOfB = await createKey(b.admin, projectOfB.id);
    const probes = [
      call("GET", `${API}/v1/projects/${projectOfB.id}`, { token: a.admin }),
      call("PATCH", `${API}/v1/projects/${projectOfB.id}/settings`, { token: a.admin, body: { rpm_limit: 1 } }),
      call("POST", `${API}/v1/projects/${projectOfB.id}/suspend`, { token: a.admin }),
      call("GET", `${API}/v1/projects/${projectOfB.id}/keys`, { token: a.admin }),
      call("DELETE", `${API}/v1/projects/${projectOfB.id}/keys/${keyOfB.id}`, { token: a.admin }),
      call("GET", `${API}/v1/tenants/${b.id}`, { token: a.admin }),
      call("POST", `${API}/v1/projects`, { token: a.admin, body: { name: "x", tenant_id: b.id } }),
    ];
    const missing = await call("GET", `${API}/v1/projects/prj_doesnotexist`, { token: a.admin });
    for (const res of await Promise.all(probes)) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
      expect(res.json.error.message).toBe(
        res.json.error.message.includes("tenant") ? "No such tenant." : "No such project.",
      );
    }
    expect(missing.json.error.message).toBe("No such project.");
    const stillActive = await call("GET", `${API}/v1/projects/${projectOfB.id}`, { token: b.admin });
    expect(stillActive.json.status).toBe("active");
  });

  it("lets only the operator create tenants", async () => {
    const a = await createTenant();
    const res = await call("POST", `${API}/v1/tenants`, {
      token: a.admin,
      body: { name: "sneaky", plan: "enterprise" },
    });
    expect(res.status).toBe(403);
    expect((await call("POST", `${API}/v1/tenants`, { body: { name: "anon" } })).status).toBe(401);
    expect((await call("POST", `${API}/v1/tenants`, { token: `${operator()}x`, body: { name: "x" } })).status).toBe(
      401,
    );
  });
});
