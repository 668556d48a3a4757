import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { SETTING_DEFAULTS } from "../src/settings/schema";

it("serves health and reaches a durable object", async () => {
  const res = await SELF.fetch("http://localhost/healthz");
  expect(res.status).toBeLessThan(500);
  const stub = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName("smoke"));
  expect(
    await stub.admit({ requestId: "r0", userId: "u", provider: "mock", model: null, estimatedPromptTokens: 1 }),
  ).toEqual({
    ok: false,
    reason: "not_configured",
  });
  await stub.configure({
    projectId: "smoke",
    tenantId: "t",
    costCenter: null,
    status: "active",
    settings: SETTING_DEFAULTS,
    tiers: {},
    killSwitches: { global: false, tenant: false, project: false },
    revokedKeyIds: [],
    sharedBudgets: [],
  });
  expect(
    (await stub.admit({ requestId: "r1", userId: "u", provider: "mock", model: null, estimatedPromptTokens: 1 })).ok,
  ).toBe(true);
});
