import { describe, expect, it } from "vitest";
import { API, call, mint, projectUrl, setupProject } from "../support/control-plane";

describe("tiers", () => {
  it("merges a tier's overrides for tokens minted with it, and caps tiers at three", async () => {
    const { tenant, project, key, token } = await setupProject({ settings: { system_prompt: "base" } });
    const put = await call("PUT", `${API}/v1/projects/${project.id}/tiers/premium`, {
      token: tenant.admin,
      body: { overrides: { rpm_limit: 500, provider_model: "mock/echo" } },
    });
    expect(put.status, put.text).toBe(200);
    const premium = (await mint(key.key, { user_id: "vip", tier: "premium" })).json.token as string;

    const ask = { model: "default", messages: [{ role: "user", content: "which model?" }] };
    const asPremium = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), {
      token: premium,
      body: ask,
    });
    expect(asPremium.json.model).toBe("mock/echo");
    expect(asPremium.json.choices[0].message.content).toBe("which model?");
    expect(asPremium.headers.get("X-RateLimit-Limit")).toBe("50"); // 0.1 × the tier's 500
    const asBase = await call("POST", projectUrl(project.slug, "/v1/chat/completions"), { token, body: ask });
    expect(asBase.json.model).toBe("mock/tollgate-mock");
    expect(asBase.headers.get("X-RateLimit-Limit")).toBe("6");

    const bad = await call("PUT", `${API}/v1/projects/${project.id}/tiers/odd`, {
      token: tenant.admin,
      body: { overrides: { cors_origins: ["https://x.example"] } },
    });
    expect(bad.status).toBe(400); // not an overridable setting
    for (const name of ["two", "three"]) {
      expect(
        (
          await call("PUT", `${API}/v1/projects/${project.id}/tiers/${name}`, {
            token: tenant.admin,
            body: { overrides: {} },
          })
        ).status,
      ).toBe(200);
    }
    const fourth = await call("PUT", `${API}/v1/projects/${project.id}/tiers/four`, {
      token: tenant.admin,
      body: { overrides: {} },
    });
    expect(fourth.status).toBe(403);
  });

  it("refuses a model outside the allowlist when selecting the project's model", async () => {
    const { tenant, project } = await setupProject({ settings: { model_allowlist: ["mock/tollgate-mock"] } });
    const refused = await call("PUT", `${API}/auth/v1/projects/${project.id}/settings/model`, {
      token: tenant.admin,
      body: { model: "mock/echo" },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("model_not_allowed");
    const ok = await call("PUT", `${API}/auth/v1/projects/${project.id}/settings/model`, {
      token: tenant.admin,
      body: { model: "mock/tollgate-mock" },
    });
    expect(ok.status).toBe(200);
  });
});
