import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_MODEL } from "../../scripts/lib/dev-banner";
import { useDevProject } from "./support/dev-project";

/**
 * The response cache seen by the real `openai` SDK, with NO custom fetch, against the gateway started the way
 * `npm run dev` starts it: each API asked twice, the second answer a HIT the SDK parses like a live one; then
 * the control plane's usage API shows the hits and what they saved.
 */
const dev = useDevProject({
  userPrefix: "cache",
  settings: { cache_mode: "enabled", rpm_limit: 1_000, user_rpm_fraction: 1 },
});
const cacheOf = (response: Response) => response.headers.get("x-tollgate-cache");

describe("the response cache from the openai SDK", () => {
  let sdk: OpenAI;
  beforeAll(async () => {
    sdk = new OpenAI({ baseURL: dev().baseURL, apiKey: await dev().freshUserToken(), maxRetries: 0 });
  });
  const ask = (content: string) => ({ model: DEMO_MODEL, messages: [{ role: "user" as const, content }] });

  it("answers a repeated chat call from the cache with the same content", async () => {
    const first = await sdk.chat.completions.create(ask("cache a whole answer")).withResponse();
    const second = await sdk.chat.completions.create(ask("cache a whole answer")).withResponse();
    expect([cacheOf(first.response), cacheOf(second.response)]).toEqual(["MISS", "HIT"]);
    expect(second.data.choices[0]?.message.content).toBe("This is a mock reply to: cache a whole answer");
    expect(second.data.choices).toEqual(first.data.choices);
    expect(second.data.id).not.toBe(first.data.id);
  });

  it("replays a streamed chat call the SDK reads into the same text, ending cleanly", async () => {
    const read = async () => {
      const { data: stream, response } = await sdk.chat.completions
        .create({ ...ask("cache a stream"), stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = "";
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      return { cache: cacheOf(response), text, finish, usage };
    };
    const live = await read();
    const replay = await read();
    expect([live.cache, replay.cache]).toEqual(["MISS", "HIT"]);
    expect(replay.text).toBe("This is a mock reply to: cache a stream");
    expect(replay).toMatchObject({ text: live.text, finish: "stop", usage: live.usage });
  });

  it("answers repeated embeddings from the cache with the same vectors", async () => {
    const body = { model: "mock/tollgate-embed", input: ["cache my vector", "and mine"] };
    const first = await sdk.embeddings.create(body).withResponse();
    const second = await sdk.embeddings.create(body).withResponse();
    expect([cacheOf(first.response), cacheOf(second.response)]).toEqual(["MISS", "HIT"]);
    expect(second.data.data).toEqual(first.data.data);
    expect(second.data.usage).toEqual(first.data.usage);
  });

  it("gives a repeated Responses call its own id, readable back", async () => {
    const first = await sdk.responses.create({ model: DEMO_MODEL, input: "cache a response" }).withResponse();
    const second = await sdk.responses.create({ model: DEMO_MODEL, input: "cache a response" }).withResponse();
    expect([cacheOf(first.response), cacheOf(second.response)]).toEqual(["MISS", "HIT"]);
    expect(second.data.output_text).toBe(first.data.output_text);
    expect(second.data.id).not.toBe(first.data.id);
    await expect
      .poll(async () => (await sdk.responses.retrieve(second.data.id).catch(() => null))?.id)
      .toBe(second.data.id);
  });

  it("bypasses on Cache-Control: no-cache", async () => {
    await sdk.chat.completions.create(ask("bypass from the SDK"));
    const res = await sdk.chat.completions
      .create(ask("bypass from the SDK"), { headers: { "Cache-Control": "no-cache" } })
      .withResponse();
    expect(cacheOf(res.response)).toBe("BYPASS");
  });

  it("shows the hits and their savings per model in the usage API", async () => {
    const { client, setup } = dev();
    const path = `/v1/usage?group_by=model&project_id=${setup.project.id}`;
    type Group = {
      model: string;
      cache_hits: number;
      saved_micro_usd: number;
      cost_micro_usd: number;
      requests: number;
    };
    const byModel = async () => {
      const usage = await client.expect(200, "GET", path, setup.tenant.admin);
      return Object.fromEntries((usage.data as Group[]).map((group) => [group.model, group]));
    };
    // The gate flushes ledger rows to D1 from its alarm, a few seconds after settling.
    await expect
      .poll(async () => (await byModel())["tollgate-mock"]?.cache_hits, { timeout: 30_000, interval: 1_000 })
      .toBe(3);
    await expect
      .poll(async () => (await byModel())["tollgate-embed"]?.cache_hits, { timeout: 30_000, interval: 1_000 })
      .toBe(1);
    const { "tollgate-mock": chat, "tollgate-embed": embeddings } = await byModel();
    // One embeddings miss and its hit: the hit saved exactly what the miss cost.
    expect(embeddings?.cost_micro_usd).toBeGreaterThan(0);
    expect(embeddings?.saved_micro_usd).toBe(embeddings?.cost_micro_usd);
    // Chat: three hits saved something, less than the misses and the bypassed pair cost.
    expect(chat?.saved_micro_usd).toBeGreaterThan(0);
    expect(chat?.saved_micro_usd).toBeLessThan(chat?.cost_micro_usd ?? 0);
  }, 90_000);
});
