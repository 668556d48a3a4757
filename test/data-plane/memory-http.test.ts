import { describe, expect, it } from "vitest";
import { call, mint, projectUrl, setupProject } from "../support/control-plane";

/** A remembered message as GET /v1/memory/{session} lists it. */
interface StoredMessage {
  role: string;
  content: string;
}

const chatUrl = (slug: string) => projectUrl(slug, "/v1/chat/completions");
const ask = (content: string) => ({ model: "mock/echo", messages: [{ role: "user", content }] });

/** Memory is appended after the response (waitUntil); poll until it shows what we expect, bounded. */
async function memoryOf(slug: string, token: string, session: string, until: (messages: StoredMessage[]) => boolean) {
  let messages: StoredMessage[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    messages = (await call("GET", projectUrl(slug, `/v1/memory/${session}`), { token })).json.messages;
    if (until(messages)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return messages;
}

describe("conversation memory over HTTP", () => {
  it("remembers the turn for the calling user only, injects it next time, and forgets on DELETE", async () => {
    // Memory reads count against RPM like any data-plane request; this test polls them.
    const { project, token, key } = await setupProject({
      settings: { memory_enabled: true, memory_window: 2, rpm_limit: 1000, user_rpm_fraction: 1 },
    });
    const headers = { "X-Session-Id": "chat-1" };
    await call("POST", chatUrl(project.slug), { token, headers, body: ask("first") });
    const stored = await memoryOf(project.slug, token, "chat-1", (m) => m.length === 2);
    expect(stored).toEqual([
      { role: "user", content: "first" },
      { role: "assistant", content: "first" },
    ]);

    const other = (await mint(key.key, { user_id: "someone-else" })).json.token;
    const theirs = await call("GET", projectUrl(project.slug, "/v1/memory/chat-1"), { token: other });
    expect(theirs.json.messages).toEqual([]);
    expect((await call("DELETE", projectUrl(project.slug, "/v1/memory/chat-1"), { token: other })).status).toBe(200);
    expect(await memoryOf(project.slug, token, "chat-1", (m) => m.length === 2)).toHaveLength(2); // untouched

    // The remembered pair is injected: the same prompt costs more prompt tokens in this session than in a new one.
    const withMemory = await call("POST", chatUrl(project.slug), { token, headers, body: ask("second") });
    const fresh = await call("POST", chatUrl(project.slug), {
      token,
      headers: { "X-Session-Id": "chat-new" },
      body: ask("second"),
    });
    expect(withMemory.json.usage.prompt_tokens).toBeGreaterThan(fresh.json.usage.prompt_tokens);
    await call("POST", chatUrl(project.slug), { token, headers, body: ask("third") });
    const windowed = await memoryOf(project.slug, token, "chat-1", (m) => m.at(-1)?.content === "third");
    expect(windowed.map((m) => m.content)).toEqual(["second", "second", "third", "third"]);

    await call("DELETE", projectUrl(project.slug, "/v1/memory/chat-1"), { token });
    expect((await call("GET", projectUrl(project.slug, "/v1/memory/chat-1"), { token })).json.messages).toEqual([]);
  });

  it("keeps no memory without a session header", async () => {
    const { project, token } = await setupProject({ settings: { memory_enabled: true } });
    const res = await call("POST", chatUrl(project.slug), { token, body: ask("no session") });
    expect(res.status).toBe(200);
    const bad = await call("POST", chatUrl(project.slug), {
      token,
      headers: { "X-Session-Id": "has space" },
      body: ask("x"),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("X-Session-Id");
  });

  it("stores what the provider saw: masked PII stays masked in memory", async () => {
    const { project, token } = await setupProject({
      settings: { memory_enabled: true, pii_mode: "enforce", pii_action: "mask" },
    });
    const res = await call("POST", chatUrl(project.slug), {
      token,
      headers: { "X-Session-Id": "pii" },
      body: ask("reach me at jane.doe@example.com"),
    });
    expect(res.json.choices[0].message.content).toBe("reach me at jane.doe@example.com");
    const stored = await memoryOf(project.slug, token, "pii", (m) => m.length === 2);
    expect(JSON.stringify(stored)).not.toContain("jane.doe@example.com");
    expect(stored[0]?.content).toMatch(/reach me at <EMAIL_1>/);
  });

  it("loses no message when requests on one session run concurrently", async () => {
    const { project, token } = await setupProject({
      settings: { memory_enabled: true, memory_window: 100, rpm_limit: 1000, user_rpm_fraction: 1 },
    });
    const headers = { "X-Session-Id": "busy" };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call("POST", chatUrl(project.slug), { token, headers, body: ask(`msg-${i}`) }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const stored = await memoryOf(project.slug, token, "busy", (m) => m.length === 24);
    expect(stored).toHaveLength(24);
    expect(new Set(stored.filter((m) => m.role === "user").map((m) => m.content))).toEqual(
      new Set(Array.from({ length: 12 }, (_, i) => `msg-${i}`)),
    );
  });
});
