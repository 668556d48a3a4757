import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_CONTROL_BODY_BYTES } from "../../src/control-plane/app";
import { MAX_CHAT_BODY_BYTES } from "../../src/data-plane/chat-request";
import { API, call, projectUrl, setupProject } from "../support/control-plane";
import { ledgerRows, settledReserved } from "./support";

// Attack (issue #16 item 7, "bodies capped in bytes while reading"): the cap was checked against the declared
// Content-Length, then against the *character* count of the whole body once read. A chunked body has no
// Content-Length and is read to its end however long it is; a body of 3-byte characters passes a character
// check at 3× the cap; a declared length can lie.

const CHUNK = 64 * 1024;

/** A body that never ends, counting what the gateway pulled from it. */
function endlessBody() {
  const chunk = new TextEncoder().encode("a".repeat(CHUNK));
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

/** `bytes` sent as one chunked stream: no Content-Length the gateway could trust. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

/** A valid chat body whose user message is `chars` euro signs: 3 bytes each in UTF-8, 1 character each in JS. */
function euroChat(chars: number): Uint8Array {
  const body = { model: "mock/tollgate-mock", messages: [{ role: "user", content: "€".repeat(chars) }] };
  return new TextEncoder().encode(JSON.stringify(body));
}

async function post(
  url: string,
  token: string,
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) {
  const res = await SELF.fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as { error: { code: string; type: string } } };
}

describe("data-plane bodies are capped in bytes while reading", () => {
  it("stops reading an endless chunked body one chunk past the cap, refuses it 413, reserves and logs nothing", async () => {
    const { project, token } = await setupProject();
    const { stream, counter } = endlessBody();
    const res = await post(projectUrl(project.slug, "/v1/chat/completions"), token, stream);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: "payload_too_large", type: "invalid_request_error" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.pulled).toBeGreaterThan(MAX_CHAT_BODY_BYTES);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_CHAT_BODY_BYTES + 4 * CHUNK);
    expect(await settledReserved(project.id)).toBe(0);
    expect(await ledgerRows(project.id)).toHaveLength(0);
  });

  it("counts bytes, not characters: 3-byte characters under a lying Content-Length are refused", async () => {
    const { project, token } = await setupProject();
    const chars = Math.ceil(MAX_CHAT_BODY_BYTES / 3) + 1_000; // under the cap in characters, over it in bytes
    const body = euroChat(chars);
    expect(body.byteLength).toBeGreaterThan(MAX_CHAT_BODY_BYTES);
    const res = await post(projectUrl(project.slug, "/v1/chat/completions"), token, chunked(body), {
      "Content-Length": "100",
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
    expect(await ledgerRows(project.id)).toHaveLength(0);
  });

  it("refuses an endless body on every inference route; the Messages route answers Anthropic's type beside the code", async () => {
    const { project, token } = await setupProject();
    for (const path of ["/v1/responses", "/v1/messages", "/v1/embeddings"]) {
      const res = await post(projectUrl(project.slug, path), token, endlessBody().stream);
      expect(res.status, path).toBe(413);
      expect(res.json.error.code, path).toBe("payload_too_large");
    }
    const messages = await post(projectUrl(project.slug, "/v1/messages"), token, endlessBody().stream);
    expect(messages.json.error.type).toBe("request_too_large");
  });

  it("still serves a chunked multibyte body under the cap", async () => {
    const { project, token } = await setupProject();
    const res = await post(projectUrl(project.slug, "/v1/chat/completions"), token, chunked(euroChat(30_000)));
    expect(res.status).toBe(200);
  });
});

describe("control-plane bodies are capped in bytes while reading", () => {
  it("stops reading an endless body to project creation and creates nothing", async () => {
    const { tenant } = await setupProject();
    const before = await call("GET", `${API}/v1/projects`, { token: tenant.admin });
    const { stream, counter } = endlessBody();
    const res = await post(`${API}/v1/projects`, tenant.admin, stream);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: "payload_too_large", type: "invalid_request_error" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.pulled).toBeLessThanOrEqual(MAX_CONTROL_BODY_BYTES + 4 * CHUNK);
    const after = await call("GET", `${API}/v1/projects`, { token: tenant.admin });
    expect(after.json.data).toHaveLength(before.json.data.length);
  });

  it("refuses multibyte bodies past the cap on mint, settings and a hand-validated kill switch route", async () => {
    const { tenant, project, key } = await setupProject();
    const euros = "€".repeat(Math.ceil(MAX_CONTROL_BODY_BYTES / 3) + 1_000);
    const bodies: [string, string, string, unknown][] = [
      ["POST", `${API}/auth/v1/auth/mint`, key.key, { user_id: euros }],
      ["PATCH", `${API}/v1/projects/${project.id}/settings`, tenant.admin, { system_prompt: euros }],
      ["POST", `${API}/v1/admin/killswitch/project/${project.id}`, tenant.admin, { enabled: true, note: euros }],
    ];
    for (const [method, url, token, body] of bodies) {
      const res = await SELF.fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": "64" },
        body: chunked(new TextEncoder().encode(JSON.stringify(body))),
      });
      expect(res.status, url).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    }
    const chatAfter = await call("GET", projectUrl(project.slug, "/v1/models"), {
      token: (await call("POST", `${API}/auth/v1/auth/mint`, { token: key.key, body: { user_id: "u" } })).json.token,
    });
    expect(chatAfter.status).toBe(200); // the kill switch was not set
  });
});
