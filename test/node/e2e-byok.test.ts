import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_REPLY, startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient, type ProjectSetup } from "./support/gateway-client";
import { waitFor } from "./support/sse";

/**
 * BYOK end to end: a tenant's OpenAI key is validated against a fake upstream, stored encrypted in the
 * gateway's local D1, used for the tenant's requests, and appears nowhere else — not in D1 in the clear
 * or in any common encoding, not in a response body, not in a log line.
 */
let gateway: RunningGateway;
let fake: FakeOpenAI;
let client: GatewayClient;
let pro: ProjectSetup;

beforeAll(async () => {
  // A key a reviewer can search for: long, unique, and nothing the gateway could produce by chance.
  [gateway, fake] = await Promise.all([
    startGateway(),
    startFakeOpenAI({ validKey: `sk-proj-e2e-${crypto.randomUUID()}-SECRET` }),
  ]);
  client = new GatewayClient(gateway);
  pro = await client.setupProject({ plan: "pro" });
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.close();
});

const putKey = (setup: ProjectSetup, apiKey: string) =>
  client.call("PUT", `${gateway.apiUrl}/auth/v1/tenants/${setup.tenant.id}/providers/openai`, {
    token: setup.tenant.admin,
    body: { api_key: apiKey, base_url: fake.baseUrl },
  });
const listKeys = (setup: ProjectSetup) =>
  client.call("GET", `${gateway.apiUrl}/auth/v1/tenants/${setup.tenant.id}/providers`, { token: setup.tenant.admin });
const FINGERPRINT = /^sha256:[0-9a-f]{12}$/;

/** The key as it could sit in storage or a log without being "the key" byte for byte. */
function encodingsOf(key: string): string[] {
  const bytes = Buffer.from(key, "utf8");
  return [
    key,
    bytes.toString("base64"),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    createHash("sha256").update(key).digest("hex"),
  ];
}

describe("storing a provider key", () => {
  it("validates it with GET {base_url}/models, then answers with a fingerprint and never the key", async () => {
    const stored = await putKey(pro, fake.validKey);
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({ provider: "openai", scope: "tenant", base_url: fake.baseUrl });
    expect(stored.json.fingerprint).toMatch(FINGERPRINT);
    expect(
      fake.requests.filter((request) => request.path === "/v1/models").map((request) => request.headers.authorization),
    ).toEqual([`Bearer ${fake.validKey}`]);
  });

  it("lists providers with their fingerprint and no key field", async () => {
    const listed = await listKeys(pro);
    expect(listed.status).toBe(200);
    expect(listed.json.data).toHaveLength(1);
    expect(Object.keys(listed.json.data[0]).sort()).toEqual([
      "base_url",
      "fingerprint",
      "provider",
      "scope",
      "updated_at",
    ]);
    expect(listed.json.data[0].fingerprint).toMatch(FINGERPRINT);
  });

  it("keeps only AES-GCM ciphertext in D1, in no readable encoding of the key", async () => {
    const rows = await gateway.queryD1(`SELECT * FROM provider_keys WHERE tenant_id = '${pro.tenant.id}'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ciphertext).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{40,}$/);
    const dump = JSON.stringify(rows);
    for (const encoded of encodingsOf(fake.validKey)) expect(dump).not.toContain(encoded);
  });

  it("refuses a free-plan tenant with 403 byok_requires_pro, before asking the provider", async () => {
    const free = await client.setupProject({ plan: "free" });
    const checksBefore = fake.requests.length;
    const refused = await putKey(free, fake.validKey);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("byok_requires_pro");
    expect(fake.requests.length).toBe(checksBefore);
    expect((await listKeys(free)).json.data).toEqual([]);
  });

  it("refuses a key the provider answers 401 for with 400, and stores nothing", async () => {
    const other = await client.setupProject({ plan: "pro" });
    const wrongKey = `sk-proj-e2e-wrong-${crypto.randomUUID()}`;
    const refused = await putKey(other, wrongKey);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: "provider_key_invalid", param: "api_key" });
    expect(refused.text).not.toContain(wrongKey);
    expect(fake.requests.at(-1)).toMatchObject({
      path: "/v1/models",
      headers: { authorization: `Bearer ${wrongKey}` },
    });
    expect((await listKeys(other)).json.data).toEqual([]);
  });
});

describe("using the stored key", () => {
  it("pays for the tenant's requests: the upstream receives the decrypted key", async () => {
    const answered = await client.chat(pro, {
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(answered.status).toBe(200);
    expect(answered.json.choices[0].message.content).toBe(FAKE_REPLY);
    expect(fake.requests.at(-1)).toMatchObject({
      path: "/v1/chat/completions",
      headers: { authorization: `Bearer ${fake.validKey}` },
    });
    // Streamed too, so the log scan below covers the streaming path.
    const streamed = await client.chat(pro, {
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
    });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("data: [DONE]");
  });

  it("returns the key in no response body the test has seen", () => {
    expect(client.transcript.length).toBeGreaterThan(10);
    for (const body of client.transcript)
      for (const encoded of encodingsOf(fake.validKey)) expect(body).not.toContain(encoded);
  });

  it("writes no provider key, API key or JWT to the gateway's logs", async () => {
    // The request log line of the last call proves capture works and that the logs are complete enough.
    await waitFor(() => gateway.logs.filter((line) => line.includes("/v1/chat/completions")).length >= 2, {
      timeoutMs: 10_000,
      what: "the chat requests in the logs",
    });
    const secrets = [
      ...encodingsOf(fake.validKey),
      pro.apiKey,
      pro.token,
      pro.tenant.admin,
      gateway.secrets.OPERATOR_TOKEN,
    ];
    const leaks = gateway.logs.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
