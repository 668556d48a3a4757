import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_REPLY, FAKE_REPLY_CHUNKS, startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient, type ProjectSetup } from "./support/gateway-client";
import { localFetch } from "./support/local-fetch";
import { readSseUntil, waitFor } from "./support/sse";

/**
 * The data plane end to end over real HTTP: `wrangler dev` running the Worker, the official `openai` SDK
 * as the client, and a fake OpenAI upstream on 127.0.0.1 reached through BYOK.
 */
let gateway: RunningGateway;
let fake: FakeOpenAI;
let client: GatewayClient;
let mockProject: ProjectSetup;
let byokProject: ProjectSetup;

beforeAll(async () => {
  [gateway, fake] = await Promise.all([startGateway(), startFakeOpenAI()]);
  client = new GatewayClient(gateway);
  mockProject = await client.setupProject();
  byokProject = await client.setupProject({ plan: "pro" });
  await client.expect(
    200,
    "PUT",
    `/auth/v1/tenants/${byokProject.tenant.id}/providers/openai`,
    byokProject.tenant.admin,
    { api_key: fake.validKey, base_url: fake.baseUrl },
  );
  await client.expect(
    200,
    "PUT",
    `/auth/v1/projects/${byokProject.project.id}/settings/model`,
    byokProject.tenant.admin,
    { model: "openai/gpt-4o-mini" },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.close();
});

const sdkFor = (setup: ProjectSetup) =>
  new OpenAI({
    baseURL: gateway.projectUrl(setup.project.slug, "/v1"),
    apiKey: setup.token,
    fetch: localFetch,
    maxRetries: 0,
  });
const question = "Say hello";

describe("the official openai SDK, pointed at a project hostname with a minted JWT as its key", () => {
  const cases = [
    {
      via: "the mock provider",
      setup: () => mockProject,
      model: "mock/tollgate-mock",
      answer: `This is a mock reply to: ${question}`,
    },
    {
      via: "the fake OpenAI upstream (BYOK)",
      setup: () => byokProject,
      model: "openai/gpt-4o-mini",
      answer: FAKE_REPLY,
    },
  ];

  it.each(cases)("completes a non-streaming call through $via", async ({ setup, model, answer }) => {
    const completion = await sdkFor(setup()).chat.completions.create({
      model,
      messages: [{ role: "user", content: question }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe(model);
    expect(completion.choices[0]?.message.content).toBe(answer);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it.each(cases)("completes a streaming call through $via, usage chunk included", async ({ setup, model, answer }) => {
    const stream = await sdkFor(setup()).chat.completions.create({
      model,
      messages: [{ role: "user", content: question }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe(answer);
    expect(usageChunks).toBe(1);
  });

  it("sends the tenant's own key upstream, never the end user's JWT", async () => {
    const upstreamCalls = fake.requests.filter((request) => request.path === "/v1/chat/completions");
    expect(upstreamCalls.length).toBeGreaterThanOrEqual(2);
    for (const call of upstreamCalls) {
      expect(call.headers.authorization).toBe(`Bearer ${fake.validKey}`);
      expect(JSON.stringify(call)).not.toContain(byokProject.token);
    }
  });

  it("is refused by the gateway, as an SDK error, with a JWT for another project", async () => {
    const wrongHost = new OpenAI({
      baseURL: gateway.projectUrl(mockProject.project.slug, "/v1"),
      apiKey: byokProject.token,
      fetch: localFetch,
      maxRetries: 0,
    });
    await expect(
      wrongHost.chat.completions.create({
        model: "mock/tollgate-mock",
        messages: [{ role: "user", content: question }],
      }),
    ).rejects.toMatchObject({ status: 403, code: "wrong_project" });
  });
});

describe("streaming through the gateway", () => {
  const streamRequest = (signal?: AbortSignal, extra: Record<string, unknown> = {}) =>
    localFetch(gateway.projectUrl(byokProject.project.slug, "/v1/chat/completions"), {
      method: "POST",
      headers: { Authorization: `Bearer ${byokProject.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: question }], stream: true, ...extra }),
      signal,
    });

  it("delivers the first chunk while the upstream is still holding the rest", async () => {
    const hold = fake.holdNextStream();
    const response = await streamRequest();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const first = await readSseUntil(reader, (events) => events.some((event) => event.content));
    const upstream = await hold.stream;
    // The gateway forwarded the first piece before the upstream wrote anything more.
    expect(first.events.map((event) => event.content).join("")).toBe(FAKE_REPLY_CHUNKS[0]);
    expect(upstream.finished).toBe(false);

    hold.release();
    const rest = await readSseUntil(reader, (events) => events.some((event) => event.done), first.buffer);
    expect([...first.events, ...rest.events].map((event) => event.content ?? "").join("")).toBe(FAKE_REPLY);
    expect(upstream.finished).toBe(true);
    expect(upstream.cancelledByClient).toBe(false);
  });

  // workerd learns that a client left only when it next writes to it, so after the abort the fake resumes
  // and trickles the rest of the answer. The gateway reads on (output discarded) for the provider's usage, since
  // the provider bills what it generates after a hang-up (docs/limits.md, "Client aborts").
  it("reads the upstream to its usage after the client aborts mid-stream", async () => {
    const hold = fake.holdNextStream({ paceMs: 100, extraChunks: 30 });
    const abort = new AbortController();
    const response = await streamRequest(abort.signal);
    const reader = response.body!.getReader();
    await readSseUntil(reader, (events) => events.some((event) => event.content));
    const upstream = await hold.stream;

    abort.abort();
    hold.release();
    await waitFor(() => upstream.cancelledByClient || upstream.finished, {
      timeoutMs: 20_000,
      what: "the fake upstream to finish or be hung up on",
    });
    expect(upstream).toMatchObject({ cancelledByClient: false, finished: true });
  });

  // Bounded by the reservation: once the discarded text reaches max_tokens, the whole reserved completion is
  // charged and the gateway hangs up instead of reading on.
  it("hangs up on the upstream once what it generated after the abort reaches the reservation", async () => {
    const hold = fake.holdNextStream({ paceMs: 100, extraChunks: 60 });
    const abort = new AbortController();
    const response = await streamRequest(abort.signal, { max_tokens: 5 });
    const reader = response.body!.getReader();
    await readSseUntil(reader, (events) => events.some((event) => event.content));
    const upstream = await hold.stream;

    abort.abort();
    hold.release();
    await waitFor(() => upstream.cancelledByClient || upstream.finished, {
      timeoutMs: 20_000,
      what: "the fake upstream to be hung up on or to finish",
    });
    expect(upstream).toMatchObject({ cancelledByClient: true, finished: false });
  });
});

describe("settlement batches shared by requests (settle-queue.ts)", () => {
  const CROSS_REQUEST_WARNING = "different request context";

  it("leaves one log line and one ledger row per request, and no request's continuation is cancelled", async () => {
    // Limits above the burst, so every request is admitted and has to settle.
    const project = await client.setupProject({ settings: { rpm_limit: 1_000, user_rpm_fraction: 1 } });
    const ask = async () => {
      const res = await client.chat(project, {
        model: "mock/tollgate-mock",
        messages: [{ role: "user", content: question }],
      });
      expect(res.status).toBe(200);
      const id = res.headers.get("X-Request-Id");
      if (!id) throw new Error("no X-Request-Id");
      return id;
    };
    const logsBefore = gateway.logs.length;
    // Back to back and concurrent: both join a batch another request opened (25 ms window), the case in which a
    // promise of the opener's was once handed to the joiners and workerd cancelled their continuations.
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await ask());
    ids.push(...(await Promise.all(Array.from({ length: 8 }, ask))));

    const logLine = (id: string) => gateway.logs.some((line) => line.includes(`"request_id":"${id}"`));
    await waitFor(() => ids.every(logLine), { timeoutMs: 15_000, what: "a request log line per request" });
    let rows: Record<string, unknown>[] = [];
    const deadline = Date.now() + 30_000;
    const list = ids.map((id) => `'${id}'`).join(",");
    while (rows.length < ids.length && Date.now() < deadline) {
      // The gate flushes ledger rows to D1 from its alarm, about two seconds after settling.
      await new Promise((wake) => setTimeout(wake, 1_000));
      rows = await gateway.queryD1(`SELECT request_id FROM usage_ledger WHERE request_id IN (${list})`);
    }
    expect(rows.map((row) => row.request_id).sort()).toEqual([...ids].sort());
    expect(gateway.logs.slice(logsBefore).filter((line) => line.includes(CROSS_REQUEST_WARNING))).toEqual([]);
  }, 120_000);
});
