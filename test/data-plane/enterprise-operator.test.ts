import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { payingTarget } from "../../src/data-plane/credentials";
import { database } from "../../src/db/client";
import { loadGateSnapshot } from "../../src/limits/gate-snapshot";
import { operatorConfig, reservationTokens, type OperatorConfig } from "../../src/data-plane/operator-default";
import { encryptProviderKey, keyFingerprint } from "../../src/secrets/byok-cipher";
import { parseMasterKeys } from "../../src/secrets/master-keys";
import { createProject, createTenant } from "../support/control-plane";

const OPERATOR: OperatorConfig = {
  OPERATOR_DEFAULT_MODEL: "openai/gpt-4o-mini",
  OPERATOR_PROVIDER_KEY: "sk-operator-0123456789abcdef",
  OPERATOR_PROVIDER_BASE_URL: "https://operator.test/v1",
  OPERATOR_TOKENS_PER_TENANT_DAY: 1_000,
};

describe("operatorConfig", () => {
  it.each([
    ["nothing set", null, {}],
    [
      "model and key",
      200_000,
      { OPERATOR_DEFAULT_MODEL: "openai/gpt-4o-mini", OPERATOR_PROVIDER_KEY: "sk-0123456789" },
    ],
    [
      "an explicit allowance",
      5_000,
      {
        OPERATOR_DEFAULT_MODEL: "openai/gpt-4o-mini",
        OPERATOR_PROVIDER_KEY: "sk-0123456789",
        OPERATOR_TOKENS_PER_TENANT_DAY: "5000",
      },
    ],
  ])("%s → allowance %s", (_name, allowance, vars) => {
    expect(operatorConfig(vars)?.OPERATOR_TOKENS_PER_TENANT_DAY ?? null).toBe(allowance);
  });

  it("refuses a half-set operator default, naming the missing secret but not the key", () => {
    expect(() => operatorConfig({ OPERATOR_PROVIDER_KEY: "sk-secret-0123456789" })).toThrow(/OPERATOR_DEFAULT_MODEL/);
    expect(() => operatorConfig({ OPERATOR_PROVIDER_KEY: "sk-secret-0123456789" })).not.toThrow(/sk-secret/);
  });
});

describe("reservationTokens", () => {
  it.each([
    ["OpenAI max_tokens", { messages: [], max_tokens: 100 }, 100],
    ["Gemini maxOutputTokens", { generationConfig: { maxOutputTokens: 50 } }, 50],
    ["Converse maxTokens", { inferenceConfig: { maxTokens: 70 } }, 70],
    ["no cap", { messages: [] }, 4_096],
    ["OpenAI n × max_tokens", { messages: [], max_tokens: 100, n: 8 }, 800],
    ["Gemini candidateCount × maxOutputTokens", { generationConfig: { maxOutputTokens: 50, candidateCount: 4 } }, 200],
  ])("reserves the body's estimate plus the %s cap", (_name, body, cap) => {
    const text = JSON.stringify(body);
    expect(reservationTokens(text) - cap).toBeGreaterThan(0);
    expect(reservationTokens(text) - cap).toBeLessThan(text.length);
  });
});

/** The sealed keys a project's gate would hold (and admission return) after a sync now. */
async function credentialsOf(projectId: string) {
  return (await loadGateSnapshot(database(env), projectId))!.credentials!;
}

describe("the operator key over payingTarget", () => {
  const operatorEnv = { ...env, ...OPERATOR, OPERATOR_TOKENS_PER_TENANT_DAY: "1000" } as Env;
  const upstream = (usage: { prompt_tokens: number; completion_tokens: number }) => {
    const seen: string[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get("authorization") ?? "");
      return Response.json({
        id: "x",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage,
      });
    };
    return { seen, fake };
  };
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 100 });

  it("pays with the operator key for a tenant without BYOK, fingerprinted as operator, until the daily allowance is used", async () => {
    const tenant = await createTenant("free");
    const project = await createProject(tenant.admin);
    const { seen, fake } = upstream({ prompt_tokens: 300, completion_tokens: 300 });
    const target = await payingTarget(operatorEnv, tenant.id, await credentialsOf(project.id), "openai/gpt-4o-mini", {
      fetch: fake,
    });
    expect(target).toMatchObject({
      baseUrl: "https://operator.test/v1",
      fingerprint: `operator:${await keyFingerprint(OPERATOR.OPERATOR_PROVIDER_KEY)}`,
      providerLabel: "OpenAI (operator key)",
    });
    expect(
      (
        await target.fetch!("https://operator.test/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${target.apiKey}` },
          body,
        })
      ).status,
    ).toBe(200);
    expect(seen).toEqual([`Bearer ${OPERATOR.OPERATOR_PROVIDER_KEY}`]);
    // 600 of 1000 used: a reservation of estimate + 500 no longer fits, so nothing is sent.
    const big = JSON.stringify({ ...JSON.parse(body), max_tokens: 500 });
    expect(
      (await target.fetch!("https://operator.test/v1/chat/completions", { method: "POST", body: big })).status,
    ).toBe(429);
    expect(seen).toHaveLength(1); // refused before anything was sent
  });

  it("refuses up front once nothing is left, with budget_exceeded", async () => {
    const tenant = await createTenant("free");
    const project = await createProject(tenant.admin);
    const { fake } = upstream({ prompt_tokens: 900, completion_tokens: 100 });
    const target = await payingTarget(operatorEnv, tenant.id, await credentialsOf(project.id), "openai/gpt-4o-mini", {
      fetch: fake,
    });
    await target.fetch!("https://operator.test/v1/chat/completions", { method: "POST", body });
    await expect(
      payingTarget(operatorEnv, tenant.id, await credentialsOf(project.id), "openai/gpt-4o-mini", { fetch: fake }),
    ).rejects.toMatchObject({ code: "budget_exceeded" });
  });

  it("gives a BYOK tenant without a key for this provider provider_not_configured, not the operator key", async () => {
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin);
    const ring = await parseMasterKeys(env.BYOK_MASTER_KEYS!);
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO provider_keys (id, tenant_id, provider, scope, ciphertext, fingerprint, base_url, created_at, updated_at) VALUES (?, ?, 'anthropic', 'tenant', ?, 'sha256:abc', NULL, ?, ?)",
    )
      .bind(
        `pk_${crypto.randomUUID()}`,
        tenant.id,
        await encryptProviderKey(
          "sk-ant-0123456789",
          { tenantId: tenant.id, provider: "anthropic", scope: "tenant" },
          ring,
        ),
        now,
        now,
      )
      .run();
    await expect(
      payingTarget(operatorEnv, tenant.id, await credentialsOf(project.id), "openai/gpt-4o-mini"),
    ).rejects.toMatchObject({
      code: "provider_not_configured",
      message: expect.stringMatching(/operator's default model is not used/),
    });
  });
});
