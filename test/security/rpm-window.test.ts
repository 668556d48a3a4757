import { describe, expect, it } from "vitest";
import { API, call, mint, projectUrl } from "../support/control-plane";
import { setupProject } from "../support/control-plane";
import { chat } from "./support";

// Attack (issue #16 item 7, "one project RPM window unless a tier overrides rpm_limit"): admission keyed the
// project window by tier, so a caller holding tokens of several tiers multiplied the project's RPM by their number.

const ask = { model: "mock/tollgate-mock", messages: [{ role: "user", content: "Hi" }] };

async function tierToken(admin: string, projectId: string, apiKey: string, tier: string, overrides: object) {
  const put = await call("PUT", `${API}/v1/projects/${projectId}/tiers/${tier}`, { token: admin, body: { overrides } });
  expect(put.status, put.text).toBe(200);
  const minted = await mint(apiKey, { user_id: `user-${tier}`, tier });
  return minted.json.token as string;
}

describe("one project RPM window", () => {
  it("requests spread over tiers without an rpm_limit override admit exactly the project's rpm_limit", async () => {
    const { tenant, project, key, token } = await setupProject({ settings: { rpm_limit: 6, user_rpm_fraction: 0 } });
    const tokens = [
      token,
      await tierToken(tenant.admin, project.id, key.key, "silver", { system_prompt: "silver" }),
      await tierToken(tenant.admin, project.id, key.key, "bronze", { memory_window: 3 }),
    ];
    const answers = await Promise.all(
      Array.from({ length: 18 }, async (_, i) => {
        const res = await chat(project.slug, tokens[i % tokens.length] ?? token, ask);
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(6);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(12);
    expect(refused.every((a) => JSON.parse(a.body).error.code === "rate_limit_exceeded")).toBe(true);
  });

  it("a tier that overrides rpm_limit keeps a window of its own", async () => {
    const { tenant, project, key, token } = await setupProject({ settings: { rpm_limit: 2, user_rpm_fraction: 0 } });
    const premium = await tierToken(tenant.admin, project.id, key.key, "premium", { rpm_limit: 4 });
    for (let i = 0; i < 2; i++)
      expect((await call("GET", projectUrl(project.slug, "/v1/models"), { token })).status).toBe(200);
    expect((await call("GET", projectUrl(project.slug, "/v1/models"), { token })).status).toBe(429);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call("GET", projectUrl(project.slug, "/v1/models"), { token: premium })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
  });
});
