import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { adapterFor } from "../../src/providers/registry";
import { streamChatCompletion } from "../../src/streaming";
import { API, call, createKey, createProject, createTenant, mint } from "../support/control-plane";
import { chat, ledgerRows, settledReserved } from "./support";

// Attack (issue #16 item 2): the caller reads the first delta of a long answer and hangs up. The provider goes
// on generating (and billing) after the hang-up; charging only the visible text made answers cheap, and the
// budget never saw what the provider billed. Now the gateway reads on for the provider's usage, or charges
// the whole reserved completion when none arrives within the bound.

const encoder = new TextEncoder();
const delta = (content: string) =>
  `data: {"id":"up","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const finish = 'data: {"id":"up","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
const usage = (prompt: number, completion: number) =>
  `data: {"id":"up","choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}}}\n\n`;

/** An upstream that sends `first`, then waits for `release()` before sending `rest` (or trickles `rest` forever). */
function heldUpstream(first: string, rest: () => string | null) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const seen = { cancelled: false, finished: false, pulls: 0 };
  let sentFirst = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      seen.pulls++;
      if (!sentFirst) {
        sentFirst = true;
        return controller.enqueue(encoder.encode(first));
      }
      await released;
      const next = rest();
      if (next === null) {
        seen.finished = true;
        return controller.close();
      }
      controller.enqueue(encoder.encode(next));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, release, seen };
}

const openai = adapterFor("openai") as ProviderAdapter;
function stream(body: ReadableStream<Uint8Array>, reservedCompletionTokens: number, maxMs?: number) {
  return streamChatCompletion({
    upstream: body,
    adapter: openai,
    providerLabel: "OpenAI",
    meta: { id: "chatcmpl-gw", created: 1, model: "openai/gpt-4o-mini" },
    includeUsage: false,
    promptTokensEstimate: 12,
    afterAbort: { reservedCompletionTokens, ...(maxMs !== undefined && { maxMs }) },
  });
}

async function hangUpAfterFirst(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  await reader.read();
  await reader.cancel("client went away");
}

describe("a client abort is charged what the provider bills (streaming pipeline)", () => {
  it("reads on after the hang-up and settles with the usage the provider reports", async () => {
    const parts = [delta(" more text nobody sees"), finish, usage(30, 900), "data: [DONE]\n\n"];
    const upstream = heldUpstream(delta("first"), () => parts.shift() ?? null);
    const { body, outcome } = stream(upstream.body, 1000);
    await hangUpAfterFirst(body);
    upstream.release();
    expect(await outcome).toMatchObject({
      status: "cancelled",
      usage: { promptTokens: 30, completionTokens: 900, source: "provider" },
    });
    expect(upstream.seen.cancelled).toBe(false);
  });

  it("charges the prompt and the whole reserved completion when no usage arrives within the time bound", async () => {
    const upstream = heldUpstream(delta("first"), () => delta(" ."));
    const { body, outcome } = stream(upstream.body, 100_000, 50);
    await hangUpAfterFirst(body);
    // Released only after the bound: nothing arrives in time.
    setTimeout(() => upstream.release(), 200);
    expect(await outcome).toMatchObject({
      status: "cancelled",
      usage: { promptTokens: 12, completionTokens: 100_000, source: "reserved" },
    });
    await vi.waitFor(() => expect(upstream.seen.cancelled).toBe(true));
  });

  it("stops reading (and hangs up) once the counted completion reaches the reservation", async () => {
    const upstream = heldUpstream(delta("first"), () => delta(" word"));
    const { body, outcome } = stream(upstream.body, 40);
    await hangUpAfterFirst(body);
    upstream.release();
    expect(await outcome).toMatchObject({ status: "cancelled", usage: { completionTokens: 40, source: "reserved" } });
    expect(upstream.seen.cancelled).toBe(true);
    // About one pull per " word" token: it stopped at the reservation, not at the time bound.
    expect(upstream.seen.pulls).toBeLessThan(60);
  });

  it("charges the reserved completion when the upstream ends without reporting usage", async () => {
    const parts = [delta(" rest"), finish, "data: [DONE]\n\n"];
    const upstream = heldUpstream(delta("first"), () => parts.shift() ?? null);
    const { body, outcome } = stream(upstream.body, 500);
    await hangUpAfterFirst(body);
    upstream.release();
    expect(await outcome).toMatchObject({ status: "cancelled", usage: { completionTokens: 500, source: "reserved" } });
  });
});

// The same attack through the gateway, paid by a BYOK key: the ledger row and the budget get the bill.
const UPSTREAM = "https://abort-attack.test/v1";

async function byokProject(settings: Record<string, unknown>) {
  const tenant = await createTenant("pro");
  const project = await createProject(tenant.admin, { provider_model: "openai/gpt-4o-mini", ...settings });
  const minted = await mint((await createKey(tenant.admin, project.id)).key, { user_id: "user-1" });
  return { tenant, project, token: minted.json.token as string };
}

function interceptStream(make: () => ReadableStream<Uint8Array>) {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(UPSTREAM)) return realFetch(input, init);
    if (request.method === "GET") return Response.json({ object: "list", data: [] });
    return new Response(make(), { headers: { "content-type": "text/event-stream" } });
  });
}

async function connectKey(tenant: { id: string; admin: string }) {
  const put = await call("PUT", `${API}/auth/v1/tenants/${tenant.id}/providers/openai`, {
    token: tenant.admin,
    body: { api_key: "sk-abort-0123456789abcdef", base_url: UPSTREAM },
  });
  expect(put.status, put.text).toBe(200);
}

async function attack(slug: string, token: string, body: Record<string, unknown>) {
  const res = await chat(slug, token, { messages: [{ role: "user", content: "Tell me a long story" }], ...body });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await reader.cancel();
}

async function rowOnce(projectId: string) {
  let rows: Awaited<ReturnType<typeof ledgerRows>> = [];
  await vi.waitFor(
    async () => {
      rows = await ledgerRows(projectId);
      expect(rows).toHaveLength(1);
    },
    { timeout: 10_000, interval: 50 },
  );
  return rows[0] as (typeof rows)[number];
}

afterEach(() => vi.restoreAllMocks());

describe("an end user hanging up on a stream through the gateway", () => {
  it("is charged the provider's reported usage when it arrives after the hang-up", async () => {
    const { tenant, project, token } = await byokProject({ tokens_per_day: 100_000 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    interceptStream(() => {
      const upstream = heldUpstream(delta("Once"), () => parts.shift() ?? null);
      const parts = [delta(" upon a time"), finish, usage(20, 1500), "data: [DONE]\n\n"];
      void released.then(upstream.release);
      return upstream.body;
    });
    await connectKey(tenant);
    await attack(project.slug, token, { stream: true, max_tokens: 2000 });
    release();
    const row = await rowOnce(project.id);
    expect(row).toMatchObject({ status: "aborted", prompt_tokens: 20, completion_tokens: 1500 });
    expect(await settledReserved(project.id)).toBe(0);
  });

  it("is charged the whole reserved completion (max_tokens × n) when the provider never reports usage", async () => {
    const { tenant, project, token } = await byokProject({ tokens_per_day: 100_000 });
    const upstreams: ReturnType<typeof heldUpstream>[] = [];
    interceptStream(() => {
      // An endless answer without usage: the gateway stops at the reservation and hangs up.
      const upstream = heldUpstream(delta("Once"), () => delta(" again"));
      upstreams.push(upstream);
      upstream.release();
      return upstream.body;
    });
    await connectKey(tenant);
    await attack(project.slug, token, { stream: true, max_tokens: 30, n: 2 });
    const row = await rowOnce(project.id);
    expect(row).toMatchObject({ status: "aborted", completion_tokens: 60 });
    expect(row.prompt_tokens).toBeGreaterThan(0);
    await vi.waitFor(() => expect(upstreams[0]?.seen.cancelled).toBe(true));
    expect(await settledReserved(project.id)).toBe(0);
  });
});
