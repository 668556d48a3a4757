import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ErrorReply, projectUrl, setupProject } from "../support/control-plane";

const ALLOWED = "https://app.example.com";

function preflight(slug: string, origin: string) {
  return SELF.fetch(projectUrl(slug, "/v1/chat/completions"), {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, content-type",
    },
  });
}

function chat(slug: string, token: string, origin: string) {
  return SELF.fetch(projectUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { Origin: origin, Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: "mock/tollgate-mock", messages: [{ role: "user", content: "hi" }] }),
  });
}

describe("per-project CORS", () => {
  it("answers an allowed preflight with that origin only, never * or credentials", async () => {
    const { project } = await setupProject({ settings: { cors_origins: [ALLOWED, "https://*.example.org"] } });
    for (const origin of [ALLOWED, "https://team.example.org"]) {
      const res = await preflight(project.slug, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(origin);
      expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
      expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
      expect(res.headers.get("Vary")).toContain("Origin");
    }
  });

  it("refuses a disallowed or null origin's preflight without Access-Control-Allow-Origin", async () => {
    const { project } = await setupProject({ settings: { cors_origins: [ALLOWED] } });
    for (const origin of ["https://evil.example", "null", "https://app.example.com.evil.example"]) {
      const res = await preflight(project.slug, origin);
      expect(res.status).toBe(403);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
      expect((await res.json<ErrorReply>()).error.code).toBe("origin_not_allowed");
    }
  });

  it("exposes the rate-limit, request-id and cache headers to an allowed origin, and refuses others with 403", async () => {
    const { project, token } = await setupProject({ settings: { cors_origins: [ALLOWED] } });
    const ok = await chat(project.slug, token, ALLOWED);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    const exposed = ok.headers.get("Access-Control-Expose-Headers") ?? "";
    for (const header of [
      "X-RateLimit-Limit",
      "X-RateLimit-Remaining",
      "X-RateLimit-Reset",
      "Retry-After",
      "X-Request-Id",
      "X-Tollgate-Cache",
    ])
      expect(exposed).toContain(header);
    expect(ok.headers.get("Vary")).toContain("Origin");

    const refused = await chat(project.slug, token, "https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await refused.json<ErrorReply>()).error.code).toBe("origin_not_allowed");
  });

  it("gives error responses to an allowed origin CORS headers too, so the browser can read them", async () => {
    const { project } = await setupProject({ settings: { cors_origins: [ALLOWED] } });
    const res = await chat(project.slug, "not-a-token", ALLOWED);
    expect(res.status).toBe(401);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
  });

  it("applies a changed allowlist to the very next request", async () => {
    const { tenant, project, token } = await setupProject({ settings: { cors_origins: [] } });
    expect((await chat(project.slug, token, ALLOWED)).status).toBe(403);
    const { call, API } = await import("../support/control-plane");
    await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { cors_origins: [ALLOWED] },
    });
    expect((await chat(project.slug, token, ALLOWED)).status).toBe(200);
  });
});
