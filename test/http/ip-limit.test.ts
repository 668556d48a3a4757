import { env, SELF } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/env";
import { type ErrorReply, projectUrl, setupProject } from "../support/control-plane";

// The per-IP safety net through the whole Worker, as a client sees it. Each test uses an IP of its own:
// the limit (IP_RPM_LIMIT from wrangler.toml, which other tests rely on) is per isolate and shared by
// every request of this file.
const LIMIT = loadConfig(env).IP_RPM_LIMIT;

/** Reads the body at once: an unread response holds its connection open and stalls the ones behind it. */
async function fromIp(slug: string, ip: string, token?: string, path = "/v1/models") {
  const res = await SELF.fetch(projectUrl(slug, path), {
    headers: { "CF-Connecting-IP": ip, ...(token && { Authorization: `Bearer ${token}` }) },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as ErrorReply };
}

// Hundreds of request-log lines would only slow the run down.
beforeEach(() => void vi.spyOn(console, "log").mockImplementation(() => {}));
afterEach(() => vi.restoreAllMocks());

describe("per-IP limit over HTTP", () => {
  it("admits exactly IP_RPM_LIMIT concurrent requests from one IP across projects; the next gets 429", async () => {
    const [a, b] = await Promise.all([setupProject(), setupProject()]);
    const ip = "203.0.113.50";
    // From other IPs, so the project lookups are cached before the burst rather than 600 times at once.
    for (const [i, { project }] of [a, b].entries()) await fromIp(project.slug, `203.0.113.6${i}`);
    // No token: the per-IP check comes before authentication, so these cost no JWT verification. The
    // count is per IP, whatever the project host.
    const first = await Promise.all(Array.from({ length: LIMIT }, (_, i) => fromIp((i % 2 ? a : b).project.slug, ip)));
    expect(first.map((res) => res.status).filter((status) => status !== 401)).toEqual([]);
    const remaining = first.map((res) => Number(res.headers.get("X-RateLimit-Remaining"))).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => i)); // each slot handed out once

    const refused = await fromIp(a.project.slug, ip);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limit_exceeded");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("X-RateLimit-Limit")).toBe(String(LIMIT));
    expect(refused.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect(Number(refused.headers.get("X-RateLimit-Reset"))).toBeGreaterThan(Date.now() / 1000);

    const other = await fromIp(a.project.slug, "203.0.113.51");
    expect(other.status).toBe(401);
    expect(other.headers.get("X-RateLimit-Remaining")).toBe(String(LIMIT - 1));
  }, 180_000); // each request through SELF gets slower as a file's request count grows (seen on every host)

  it("renders its state on a request it let through that no gate admission replaces", async () => {
    // Every data-plane route admits at the project gate (whose RPM state then fills the headers), so the
    // per-IP state shows on what ends before admission: here an unknown endpoint.
    const { project, token } = await setupProject();
    const res = await fromIp(project.slug, "203.0.113.53", token, "/v1/no-such-endpoint");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect(res.headers.get("X-RateLimit-Limit")).toBe(String(LIMIT));
    expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(LIMIT - 1));
  });
});
