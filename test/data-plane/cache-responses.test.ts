import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, projectOfTwoUsers, projectUrl } from "../support/control-plane";

/**
 * /v1/responses answered by the response cache: each hit is its own response (fresh `resp_` id and
 * `created_at`), stored under that id for the user who asked, and never carries another user's ids.
 */
const responses = (slug: string, id = "") => projectUrl(slug, `/v1/responses${id ? `/${id}` : ""}`);
/** Reads of stored responses count against RPM like every data-plane request; these tests poll them. */
const SETTINGS = { cache_mode: "enabled", cache_scope: "project", rpm_limit: 1000, user_rpm_fraction: 1 };

async function usersOfOneProject() {
  const { project, alice, bob } = await projectOfTwoUsers(SETTINGS);
  return { slug: project.slug, alice, bob };
}

async function create(slug: string, token: string, body: Record<string, unknown>) {
  const res = await call("POST", responses(slug), { token, body: { model: "mock/tollgate-mock", ...body } });
  expect(res.status, res.text).toBe(200);
  return { cache: res.headers.get("X-Tollgate-Cache"), json: res.json };
}

/** Storing runs after the answer (waitUntil): poll until the response can be read. */
async function stored(slug: string, token: string, id: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await call("GET", responses(slug, id), { token });
    if (res.status === 200) return res.json;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error(`${id} was never stored`);
}

describe("/v1/responses cache hits", () => {
  it("give a hit its own id and created_at, stored under that id and continued by previous_response_id", async () => {
    const { slug, alice } = await usersOfOneProject();
    const first = await create(slug, alice, { input: "Cache this answer" });
    await stored(slug, alice, first.json.id);
    // A second later, so a created_at copied from the entry would show.
    await new Promise((wake) => setTimeout(wake, 1_100));
    const hit = await create(slug, alice, { input: "Cache this answer" });
    expect([first.cache, hit.cache]).toEqual(["MISS", "HIT"]);
    expect(hit.json.id).toMatch(/^resp_/);
    expect(hit.json.id).not.toBe(first.json.id);
    expect(hit.json.created_at).toBeGreaterThan(first.json.created_at);
    expect(hit.json.output[0].id).not.toBe(first.json.output[0].id);
    expect(hit.json).toMatchObject({ store: true, output_text: first.json.output_text });

    const kept = await stored(slug, alice, hit.json.id);
    expect(kept).toMatchObject({ id: hit.json.id, output_text: first.json.output_text });
    // The follow-up carries the hit's conversation: more input tokens than the same question alone.
    const alone = await create(slug, alice, { input: "And then?", store: false });
    const followUp = await create(slug, alice, { input: "And then?", previous_response_id: hit.json.id });
    expect(followUp.json.previous_response_id).toBe(hit.json.id);
    expect(followUp.json.usage.input_tokens).toBeGreaterThan(alone.json.usage.input_tokens);
  });

  it("never hands one user another user's response id under cache_scope project", async () => {
    const { slug, alice, bob } = await usersOfOneProject();
    const hers = await create(slug, alice, { input: "A shared question" });
    await stored(slug, alice, hers.json.id);
    const his = await create(slug, bob, { input: "A shared question" });
    expect(his.cache).toBe("HIT");
    expect(JSON.stringify(his.json)).not.toContain(hers.json.id.slice(5));
    // Each reads only their own: the hit is Bob's response, Alice's stays hers.
    expect((await stored(slug, bob, his.json.id)).output_text).toBe(hers.json.output_text);
    expect((await call("GET", responses(slug, hers.json.id), { token: bob })).status).toBe(404);
    expect((await call("GET", responses(slug, his.json.id), { token: alice })).status).toBe(404);
    const refused = await call("POST", responses(slug), {
      token: bob,
      body: { model: "mock/tollgate-mock", input: "next", previous_response_id: hers.json.id },
    });
    expect(refused.status).toBe(404);
  });

  it("replays a streamed hit under a fresh id and stores it once completed", async () => {
    const { slug, alice } = await usersOfOneProject();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await SELF.fetch(responses(slug), {
        method: "POST",
        headers: { Authorization: `Bearer ${alice}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model: "mock/tollgate-mock", input: "Stream and cache me", stream: true }),
      });
      expect(res.headers.get("X-Tollgate-Cache")).toBe(i === 0 ? "MISS" : "HIT");
      const events = await res.text();
      expect(events).toContain("event: response.completed");
      ids.push(/"id":"(resp_[^"]+)"/.exec(events)?.[1] ?? "");
    }
    const [live, hit] = ids as [string, string];
    expect(hit).not.toBe(live);
    expect(await stored(slug, alice, hit)).toMatchObject({
      id: hit,
      status: "completed",
      output_text: "This is a mock reply to: Stream and cache me",
    });
  });
});
