import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { storedResponsesKey } from "../../src/data-plane/responses/store";
import { call, createKey, createProject, mint, projectUrl, setupProject } from "../support/control-plane";

/**
 * Stored responses: `store` (default true), `previous_response_id`, `GET`/`DELETE /v1/responses/:id`, each
 * scoped to the project of the host and the user of the JWT.
 */
const responses = (slug: string, id = "") => projectUrl(slug, `/v1/responses${id ? `/${id}` : ""}`);
const DAY_MS = 86_400_000;
/** Reads of stored responses count against RPM like every data-plane request; these tests poll them. */
const POLLING = { rpm_limit: 1000, user_rpm_fraction: 1 };

/** Storing runs after the answer (waitUntil): poll until the response can be read. */
async function storedResponse(slug: string, token: string, id: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await call("GET", responses(slug, id), { token });
    if (res.status === 200) return res.json;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error(`${id} was never stored`);
}

async function create(slug: string, token: string, body: Record<string, unknown>) {
  const res = await call("POST", responses(slug), { token, body: { model: "mock/tollgate-mock", ...body } });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function userToken(apiKey: string, userId: string) {
  const minted = await mint(apiKey, { user_id: userId });
  expect(minted.status).toBe(200);
  return minted.json.token as string;
}

describe("store", () => {
  it("keeps a response by default: GET returns it as the client got it, with store: true", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const created = await create(project.slug, token, { input: "Hello there" });
    expect(created).toMatchObject({ store: true, previous_response_id: null });
    const stored = await storedResponse(project.slug, token, created.id);
    expect(stored).toMatchObject({ id: created.id, object: "response", status: "completed", store: true });
    expect(stored.output).toEqual(created.output);
    expect(stored.usage).toEqual(created.usage);
  });

  it("keeps a streamed response once it completed", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const res = await SELF.fetch(responses(project.slug), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "mock/tollgate-mock", input: "Stream me", stream: true }),
    });
    const events = await res.text();
    const id = /"id":"(resp_[^"]+)"/.exec(events)?.[1] ?? "";
    const stored = await storedResponse(project.slug, token, id);
    expect(stored).toMatchObject({ status: "completed", output_text: "This is a mock reply to: Stream me" });
  });

  it("store: false keeps nothing: the object says so, GET and previous_response_id answer 404", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const created = await create(project.slug, token, { input: "forget me", store: false });
    expect(created.store).toBe(false);
    // A stored response made after it is readable, so the unstored one had every chance to be written too.
    const later = await create(project.slug, token, { input: "keep me" });
    await storedResponse(project.slug, token, later.id);
    const read = await call("GET", responses(project.slug, created.id), { token });
    expect([read.status, read.json.error.code]).toEqual([404, "not_found"]);
    const chained = await call("POST", responses(project.slug), {
      token,
      body: { input: "and then?", previous_response_id: created.id },
    });
    expect([chained.status, chained.json.error.code, chained.json.error.param]).toEqual([
      404,
      "not_found",
      "previous_response_id",
    ]);
  });

  it("under PII masking keeps the masked form: the client saw its value, the store holds the placeholder", async () => {
    const { project, token } = await setupProject({
      settings: { ...POLLING, pii_mode: "enforce", pii_action: "mask" },
    });
    const input = "Write to jane.doe@example.com today";
    const created = await create(project.slug, token, { model: "mock/echo", input });
    expect(created.output_text).toBe(input);
    const stored = await storedResponse(project.slug, token, created.id);
    expect(stored.output_text).toBe("Write to <EMAIL_1> today");
    expect(JSON.stringify(stored)).not.toContain("jane.doe@example.com");
    const raw = await runInDurableObject(
      env.STORED_RESPONSES.get(
        env.STORED_RESPONSES.idFromName(storedResponsesKey({ projectId: project.id, uid: "user-1" })),
      ),
      async (_, state) => state.storage.sql.exec<{ body: string }>("SELECT body FROM responses").toArray(),
    );
    expect(raw).toHaveLength(1);
    expect(raw[0]?.body).not.toContain("jane.doe@example.com");
    expect(raw[0]?.body).toContain("<EMAIL_1>");
  });

  it("is kept for the project's retention_days, and an expired response reads as 404", async () => {
    const { project, token } = await setupProject({ settings: { ...POLLING, retention_days: 3 } });
    const before = Date.now();
    const created = await create(project.slug, token, { input: "short-lived" });
    await storedResponse(project.slug, token, created.id);
    const stub = env.STORED_RESPONSES.get(
      env.STORED_RESPONSES.idFromName(storedResponsesKey({ projectId: project.id, uid: "user-1" })),
    );
    const [row] = await runInDurableObject(stub, async (_, state) =>
      state.storage.sql.exec<{ expires_at: number }>("SELECT expires_at FROM responses").toArray(),
    );
    expect(row?.expires_at).toBeGreaterThanOrEqual(before + 3 * DAY_MS);
    expect(row?.expires_at).toBeLessThanOrEqual(Date.now() + 3 * DAY_MS);
    // Past its deadline (as if three days went by): reads miss, and the alarm deletes it.
    await runInDurableObject(stub, async (_, state) => {
      state.storage.sql.exec("UPDATE responses SET expires_at = ?", Date.now() - 1);
    });
    const read = await call("GET", responses(project.slug, created.id), { token });
    expect(read.status).toBe(404);
    await runInDurableObject(stub, async (instance) => instance.alarm());
    const left = await runInDurableObject(stub, async (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM responses").toArray(),
    );
    expect(left[0]?.n).toBe(0);
  });
});

describe("previous_response_id", () => {
  it("continues the stored conversation: the earlier turns are in the prompt the provider is charged for", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const first = await create(project.slug, token, { input: "My name is Ann and I like long walks by the sea." });
    await storedResponse(project.slug, token, first.id);
    const alone = await create(project.slug, token, { input: "What is my name?" });
    const chained = await create(project.slug, token, { input: "What is my name?", previous_response_id: first.id });
    expect(chained.previous_response_id).toBe(first.id);
    expect(chained.output_text).toBe("This is a mock reply to: What is my name?");
    // The earlier user turn and answer came first: at least their tokens more than the same input alone.
    expect(chained.usage.input_tokens).toBeGreaterThanOrEqual(
      alone.usage.input_tokens + first.usage.input_tokens + first.usage.output_tokens - 2,
    );
  });

  it("chains a function call: the stored call is sent back before the tool output", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const tools = [{ type: "function", name: "lookup", parameters: { type: "object" } }];
    const first = await create(project.slug, token, { model: "mock/tool-call", input: "Paris", tools });
    const call_ = first.output[0];
    expect(call_).toMatchObject({ type: "function_call", name: "lookup" });
    await storedResponse(project.slug, token, first.id);
    const second = await create(project.slug, token, {
      model: "mock/tool-call",
      tools,
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call_.call_id, output: "sunny" }],
    });
    expect(second.output_text).toBe("Tool said: sunny");
    expect(second.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens);
  });

  it("reserves the earlier conversation's tokens at admission: a chain that would overrun the budget is refused", async () => {
    const long = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    const { project, token } = await setupProject({ settings: { ...POLLING, tokens_per_day: 1_600 } });
    const first = await create(project.slug, token, { model: "mock/echo", input: long, max_output_tokens: 600 });
    await storedResponse(project.slug, token, first.id);
    const chained = await call("POST", responses(project.slug), {
      token,
      body: { model: "mock/echo", input: "ok?", previous_response_id: first.id, max_output_tokens: 16 },
    });
    expect(chained.status, chained.text).toBe(429);
    expect(chained.json.error.code).toBe("budget_exceeded");
    // The same input without the earlier turns fits what is left.
    const alone = await call("POST", responses(project.slug), {
      token,
      body: { model: "mock/echo", input: "ok?", max_output_tokens: 16 },
    });
    expect(alone.status, alone.text).toBe(200);
  });

  it("refuses a malformed id with 400 naming the field", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const res = await call("POST", responses(project.slug), {
      token,
      body: { input: "hi", previous_response_id: "not-an-id" },
    });
    expect([res.status, res.json.error.code, res.json.error.param]).toEqual([
      400,
      "invalid_request",
      "previous_response_id",
    ]);
  });
});

describe("GET and DELETE /v1/responses/:id are the owner's only", () => {
  async function twoUsersAndAnotherProject() {
    const setup = await setupProject({ settings: POLLING });
    const created = await create(setup.project.slug, setup.token, { input: "private thoughts" });
    await storedResponse(setup.project.slug, setup.token, created.id);
    const otherUser = await userToken(setup.key.key, "user-2");
    // Same tenant, another project, and a user with the very same uid.
    const otherProject = await createProject(setup.tenant.admin, POLLING);
    const otherKey = await createKey(setup.tenant.admin, otherProject.id);
    const sameUidElsewhere = await userToken(otherKey.key, "user-1");
    return { setup, created, otherUser, otherProject, sameUidElsewhere };
  }

  it("another user of the project gets 404 not_found for GET, DELETE and previous_response_id", async () => {
    const { setup, created, otherUser } = await twoUsersAndAnotherProject();
    const slug = setup.project.slug;
    for (const method of ["GET", "DELETE"] as const) {
      const res = await call(method, responses(slug, created.id), { token: otherUser });
      expect([method, res.status, res.json.error.code]).toEqual([method, 404, "not_found"]);
      expect(res.text).not.toContain("private thoughts");
    }
    const chained = await call("POST", responses(slug), {
      token: otherUser,
      body: { input: "continue", previous_response_id: created.id },
    });
    expect([chained.status, chained.json.error.code]).toEqual([404, "not_found"]);
    // The owner still has it: the other user's DELETE removed nothing.
    expect((await call("GET", responses(slug, created.id), { token: setup.token })).status).toBe(200);
  });

  it("the same uid in another project gets 404; a token for another project is refused at the host", async () => {
    const { setup, created, otherProject, sameUidElsewhere } = await twoUsersAndAnotherProject();
    const elsewhere = await call("GET", responses(otherProject.slug, created.id), { token: sameUidElsewhere });
    expect([elsewhere.status, elsewhere.json.error.code]).toEqual([404, "not_found"]);
    const chained = await call("POST", responses(otherProject.slug), {
      token: sameUidElsewhere,
      body: { input: "continue", previous_response_id: created.id },
    });
    expect([chained.status, chained.json.error.code]).toEqual([404, "not_found"]);
    const crossHost = await call("GET", responses(setup.project.slug, created.id), { token: sameUidElsewhere });
    expect([crossHost.status, crossHost.json.error.code]).toEqual([403, "wrong_project"]);
    const anonymous = await call("GET", responses(setup.project.slug, created.id));
    expect([anonymous.status, anonymous.json.error.code]).toEqual([401, "missing_credentials"]);
  });

  it("DELETE removes it for good: GET and previous_response_id answer 404 afterwards", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    const created = await create(project.slug, token, { input: "delete me" });
    await storedResponse(project.slug, token, created.id);
    const deleted = await call("DELETE", responses(project.slug, created.id), { token });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id: created.id, object: "response", deleted: true });
    expect((await call("GET", responses(project.slug, created.id), { token })).status).toBe(404);
    expect((await call("DELETE", responses(project.slug, created.id), { token })).status).toBe(404);
    const chained = await call("POST", responses(project.slug), {
      token,
      body: { input: "again", previous_response_id: created.id },
    });
    expect(chained.status).toBe(404);
  });

  it("an id that is not a response id is a 404 like any other unknown one", async () => {
    const { project, token } = await setupProject({ settings: POLLING });
    for (const id of ["chatcmpl-123", "resp_%2F..%2F", "resp_"]) {
      const res = await call("GET", responses(project.slug, id), { token });
      expect([id, res.status, res.json.error.code]).toEqual([id, 404, "not_found"]);
    }
  });
});
