import { describe, expect, it } from "vitest";
import { API, call, createTenant, projectUrl, setupProject } from "../support/control-plane";

describe("GET /v1/projects/:id/models", () => {
  it("lists each model with the provider, region and credential it will use; /v1/models the same without the credential", async () => {
    const { tenant, project, token } = await setupProject({
      settings: { model_allowlist: ["mock/tollgate-mock", "openai/gpt-4o-mini"] },
    });
    const res = await call("GET", `${API}/v1/projects/${project.id}/models`, { token: tenant.admin });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.json.data.map((model: { id: string }) => [model.id, model]));
    expect(byId["mock/tollgate-mock"]).toMatchObject({ provider: "mock", credential: { source: "mock" } });
    expect(byId["openai/gpt-4o-mini"]).toMatchObject({ provider: "openai", credential: { source: "none" } });

    const dataPlane = await call("GET", projectUrl(project.slug, "/v1/models"), { token });
    const withoutCredential = res.json.data.map(({ credential: _, ...model }: { credential: unknown }) => model);
    expect(dataPlane.json.data).toEqual(withoutCredential);

    const stranger = await createTenant();
    expect((await call("GET", `${API}/v1/projects/${project.id}/models`, { token: stranger.admin })).status).toBe(404);
  });
});
