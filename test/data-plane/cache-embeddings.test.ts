import { describe, expect, it } from "vitest";
import { mockEmbedding } from "../../src/providers/embeddings/mock";
import { API, call, projectOfTwoUsers, projectUrl, setupProject } from "../support/control-plane";
import { type LedgerRow, ledger } from "../support/ledger";

const MODEL = "mock/tollgate-embed";
const CACHED = { cache_mode: "enabled" };
const embed = (slug: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  call("POST", projectUrl(slug, "/v1/embeddings"), { token, body, headers });
const status = (res: { headers: Headers }) => res.headers.get("X-Tollgate-Cache");

describe("the response cache on /v1/embeddings", () => {
  it("answers a repeated request from the cache: MISS then HIT, the same vectors, usage and model, charged 0", async () => {
    const { project, token } = await setupProject({ settings: CACHED });
    const body = { model: MODEL, input: ["the quick brown fox", "a lazy dog"] };
    const first = await embed(project.slug, token, body);
    const second = await embed(project.slug, token, body);
    expect(first.status, first.text).toBe(200);
    expect(status(first)).toBe("MISS");
    expect(second.status, second.text).toBe(200);
    expect(status(second)).toBe("HIT");
    expect(second.json).toEqual(first.json);
    expect(second.json.data[0].embedding).toEqual(mockEmbedding("the quick brown fox"));
    expect(Number(first.headers.get("X-Tollgate-Cost-Usd"))).toBeGreaterThan(0);
    expect(second.headers.get("X-Tollgate-Cost-Usd")).toBe("0.000000");
    // Anything that changes the vectors or their bytes is another entry.
    const changes = [
      { ...body, input: ["the quick brown fox"] },
      { ...body, input: [...body.input].reverse() },
      { ...body, dimensions: 64 },
      { ...body, encoding_format: "base64" },
    ];
    for (const changed of changes)
      expect(status(await embed(project.slug, token, changed)), JSON.stringify(changed)).toBe("MISS");
  });

  it("replays base64 as the same bytes, and ignores the OpenAI user tag", async () => {
    const { project, token } = await setupProject({ settings: CACHED });
    const body = { model: MODEL, input: "encode me", encoding_format: "base64", dimensions: 32 };
    const first = await embed(project.slug, token, { ...body, user: "tag-a" });
    const second = await embed(project.slug, token, { ...body, user: "tag-b" });
    expect([status(first), status(second)]).toEqual(["MISS", "HIT"]);
    expect(typeof second.json.data[0].embedding).toBe("string");
    expect(second.json.data).toEqual(first.json.data);
  });

  it("keeps users apart under cache_scope user, shares under project, and never across projects", async () => {
    const body = { model: MODEL, input: "a private query" };
    for (const [scope, expected] of [
      ["user", "MISS"],
      ["project", "HIT"],
    ] as const) {
      const { project, alice, bob } = await projectOfTwoUsers({ ...CACHED, cache_scope: scope });
      expect(status(await embed(project.slug, alice, body))).toBe("MISS");
      expect(status(await embed(project.slug, bob, body)), scope).toBe(expected);
    }
    const other = await setupProject({ settings: { ...CACHED, cache_scope: "project" } });
    expect(status(await embed(other.project.slug, other.token, body))).toBe("MISS");
  });

  it("bypasses on Cache-Control: no-cache and X-Tollgate-Cache: bypass, and says BYPASS when the cache is off", async () => {
    const { project, token } = await setupProject({ settings: CACHED });
    const body = { model: MODEL, input: "bypass me" };
    await embed(project.slug, token, body);
    const bypasses: Record<string, string>[] = [{ "Cache-Control": "no-cache" }, { "X-Tollgate-Cache": "bypass" }];
    for (const headers of bypasses) {
      const res = await embed(project.slug, token, body, headers);
      expect(res.status).toBe(200);
      expect(status(res), JSON.stringify(headers)).toBe("BYPASS");
    }
    const off = await setupProject();
    for (let i = 0; i < 2; i++) expect(status(await embed(off.project.slug, off.token, body))).toBe("BYPASS");
  });

  it("never caches a provider error, and never answers a refused request", async () => {
    const { project, token } = await setupProject({ settings: CACHED });
    for (let i = 0; i < 2; i++) {
      const res = await embed(project.slug, token, { model: "mock/fail-500", input: "fail please" });
      expect(res.status).toBe(502);
      expect(status(res)).toBe("MISS");
    }
    const blocking = await setupProject({ settings: { ...CACHED, pii_mode: "enforce", pii_action: "block" } });
    for (let i = 0; i < 2; i++) {
      const res = await embed(blocking.project.slug, blocking.token, {
        model: MODEL,
        input: "card 4111 1111 1111 1111",
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("pii_detected");
      expect(status(res)).toBe("BYPASS");
    }
  });

  it("keys on the text PII Shield left: two values redacted alike share one entry", async () => {
    const { project, token } = await setupProject({
      settings: { ...CACHED, pii_mode: "enforce", pii_action: "redact" },
    });
    const first = await embed(project.slug, token, { model: MODEL, input: "mail alice@example.com" });
    const second = await embed(project.slug, token, { model: MODEL, input: "mail bob@example.org" });
    expect([status(first), status(second)]).toEqual(["MISS", "HIT"]);
    expect(second.json.data).toEqual(first.json.data);
    expect(first.json.data[0].embedding).not.toEqual(mockEmbedding("mail alice@example.com"));
  });

  it("reserves a miss's input only, as without the cache: no completion cap, no system prompt", async () => {
    // A chat miss would reserve the 4096-token cap plus the system prompt and be refused under 1000 tokens a day.
    const { project, token } = await setupProject({
      settings: { ...CACHED, tokens_per_day: 1000, system_prompt: "word ".repeat(2000) },
    });
    const res = await embed(project.slug, token, { model: MODEL, input: ["a short text", "another one"] });
    expect(res.status, res.text).toBe(200);
    expect(status(res)).toBe("MISS");
    expect(Number(res.headers.get("X-Tollgate-Budget-Remaining-Tokens"))).toBe(1000 - res.json.usage.prompt_tokens);
  });

  it("records a hit as one cached ledger row with what it saved, and the usage API counts hits and savings", async () => {
    const { tenant, project, token } = await setupProject({ settings: CACHED });
    const body = { model: MODEL, input: ["count me", "and me"] };
    await embed(project.slug, token, body);
    await embed(project.slug, token, body);
    const rows = await ledger(project.id, 2);
    expect(rows).toHaveLength(2);
    const [live, hit] = rows as [LedgerRow, LedgerRow];
    expect(live).toMatchObject({ cached: 0, saved_tokens: 0, status: "ok", completion_tokens: 0 });
    expect(live.cost_micro_usd).toBeGreaterThan(0);
    expect(hit).toMatchObject({ cached: 1, status: "ok", prompt_tokens: 0, completion_tokens: 0, cost_micro_usd: 0 });
    expect(hit.model).toBe(live.model);
    expect(hit.saved_tokens).toBe(live.prompt_tokens);
    expect(hit.saved_micro_usd).toBe(live.cost_micro_usd);

    const usage = await call("GET", `${API}/v1/usage?group_by=model&project_id=${project.id}`, { token: tenant.admin });
    expect(usage.status, usage.text).toBe(200);
    expect(usage.json.total).toMatchObject({
      requests: 2,
      prompt_tokens: live.prompt_tokens,
      cost_micro_usd: live.cost_micro_usd,
      cache_hits: 1,
      saved_tokens: live.prompt_tokens,
      saved_micro_usd: live.cost_micro_usd,
      cache_hit_rate: 0.5,
    });
  });

  it("counts a hit against the rate limit", async () => {
    const { project, token } = await setupProject({ settings: { ...CACHED, rpm_limit: 2, user_rpm_fraction: 1 } });
    const body = { model: MODEL, input: "rate me" };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await embed(project.slug, token, body));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 429]);
    expect(answers.map(status)).toEqual(["MISS", "HIT", "BYPASS"]);
    expect(answers[2]?.json.error.code).toBe("rate_limit_exceeded");
  });
});
