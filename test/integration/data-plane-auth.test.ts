import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  API,
  call,
  createKey,
  createProject,
  createTenant,
  mint,
  projectUrl,
  setupProject,
} from "../support/control-plane";

describe("data plane authentication and routing", () => {
  it("routes by Host only: unknown slug → 404 project_not_found, case and port ignored", async () => {
    const { project, token } = await setupProject();
    const unknown = await call("GET", projectUrl("amber-fox-999", "/v1/models"), { token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("project_not_found");

    const upper = await SELF.fetch(`https://${project.slug.toUpperCase()}.LOCALHOST:8787/v1/models`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(upper.status).toBe(200);
    const viaDevDomain = await call("GET", `https://${project.slug}.dev.tollgate.example/v1/models`, { token });
    expect(viaDevDomain.status).toBe(200);
    // The path never picks a project.
    const pathTrick = await call("GET", `${API}/${project.slug}/v1/models`, { token });
    expect(pathTrick.status).toBe(404);
  });

  it("refuses project A's token on project B's host with 403", async () => {
    const tenant = await createTenant();
    const a = await createProject(tenant.admin);
    const b = await createProject(tenant.admin);
    const keyA = await createKey(tenant.admin, a.id);
    const tokenA = (await mint(keyA.key)).json.token as string;
    expect((await call("GET", projectUrl(a.slug, "/v1/models"), { token: tokenA })).status).toBe(200);
    const cross = await call("GET", projectUrl(b.slug, "/v1/models"), { token: tokenA });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe("wrong_project");
  });

  it("refuses missing, malformed and tampered tokens with 401 in the OpenAI envelope", async () => {
    const { project, token } = await setupProject();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const tampered = `${header}.${btoa(
      atob(payload.replace(/-/g, "+").replace(/_/g, "/")).replace('"user-1"', '"admin"'),
    )
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_")}.${signature}`;
    const cases: [string | undefined, string][] = [
      [undefined, "missing_credentials"],
      ["Bearer", "missing_credentials"],
      ["Bearer not.a.jwt", "invalid_token"],
      [`Bearer ${tampered}`, "invalid_token"],
      [`Bearer ${header}.${payload}.`, "invalid_token"],
    ];
    for (const [authorization, code] of cases) {
      const res = await call("GET", projectUrl(project.slug, "/v1/models"), {
        headers: authorization ? { Authorization: authorization } : {},
      });
      expect(res.status, authorization).toBe(401);
      expect(res.json).toEqual({
        error: { message: expect.any(String), type: "authentication_error", code, param: null },
      });
      expect(res.headers.get("X-Request-Id")).toMatch(/^req_/);
      expect(res.text).not.toContain(token);
    }
  });

  it("serves the JWKS with public parts only", async () => {
    const res = await call("GET", `${API}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    for (const key of res.json.keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    }
  });

  it("serves the OpenAPI document generated from the zod schemas", async () => {
    const res = await call("GET", `${API}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe("3.1.0");
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining([
        "/v1/tenants",
        "/v1/projects",
        "/v1/projects/{id}/keys",
        "/auth/v1/auth/mint",
        "/v1/admin/killswitch/project/{id}",
        "/v1/usage",
        "/v1/usage/export.csv",
        "/v1/projects/{id}/budgets",
        "/v1/budgets/{id}",
        "/v1/tenants/{id}/budget-alerts",
      ]),
    );
    // The hand-validated routes are described with the schemas their handlers parse with.
    expect(Object.keys(res.json.paths["/v1/budgets"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(res.json.paths["/v1/usage"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["from", "to", "group_by"]),
    );
    expect(
      res.json.paths["/v1/admin/killswitch/global"].post.requestBody.content["application/json"].schema.required,
    ).toEqual(["enabled"]);
    const docs = await SELF.fetch(`${API}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/openapi.json");
  });
});
