import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { devPathTarget, rewriteDevPath } from "../../src/routing/dev-path";
import { API, call, setupProject } from "../support/control-plane";

describe("devPathTarget", () => {
  it.each([
    ["/p/amber-fox-042/v1/models", { slug: "amber-fox-042", path: "/v1/models" }],
    ["/p/Amber-Fox-042/v1/chat/completions", { slug: "amber-fox-042", path: "/v1/chat/completions" }],
    ["/p/amber-fox-042", { slug: "amber-fox-042", path: "/" }],
  ])("maps %s to a project path", (pathname, target) => {
    expect(devPathTarget(pathname)).toEqual(target);
  });

  it.each([
    "/v1/models",
    "/p/",
    "/p/not_a_slug/v1/models",
    "/p/amber-fox-42/v1",
    "/px/amber-fox-042/v1",
    "/p/a.b-c-001/v1",
  ])("leaves %s alone", (pathname) => {
    expect(devPathTarget(pathname)).toBeNull();
  });

  it("re-addresses the request to the project's hostname, keeping method, headers, query and body", async () => {
    const original = new Request("http://127.0.0.1:8787/p/amber-fox-042/v1/chat/completions?x=1", {
      method: "POST",
      headers: { Authorization: "Bearer t", Origin: "http://localhost:5173" },
      body: "{}",
    });
    const rewritten = rewriteDevPath(original, "localhost");
    expect(rewritten?.url).toBe("http://amber-fox-042.localhost:8787/v1/chat/completions?x=1");
    expect(rewritten?.headers.get("Host")).toBe("amber-fox-042.localhost:8787");
    expect(rewritten?.headers.get("Origin")).toBe("http://localhost:5173");
    expect(rewritten?.method).toBe("POST");
    expect(await rewritten?.text()).toBe("{}");
  });
});

/** The Worker entry with the var `npm run dev` passes; wrangler.toml itself never sets it. */
async function devFetch(url: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  // An incoming request in production carries `cf`; tests have none, which the entry never reads.
  const request = new Request(url, init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...env, DEV_PATH_ROUTING: "true" } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("`/p/{slug}/…` on the API host", () => {
  const chat = (token: string) => ({
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: "mock/tollgate-mock", messages: [{ role: "user", content: "Hi" }] }),
  });

  it("is not served when DEV_PATH_ROUTING is unset (production, and wrangler.toml)", async () => {
    const { project, token } = await setupProject();
    const res = await call("POST", `${API}/p/${project.slug}/v1/chat/completions`, {
      token,
      body: { model: "mock/tollgate-mock", messages: [{ role: "user", content: "Hi" }] },
    });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("mock reply");
  });

  it("reaches the project's data plane when DEV_PATH_ROUTING is on", async () => {
    const { project, token } = await setupProject();
    const res = await devFetch(`${API}/p/${project.slug}/v1/chat/completions`, chat(token));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
      "This is a mock reply to: Hi",
    );
    expect(res.headers.get("X-Request-Id")).toMatch(/^req_/);
  });

  it("keeps the project check: a JWT for another project is refused", async () => {
    const [mine, other] = await Promise.all([setupProject(), setupProject()]);
    const res = await devFetch(`${API}/p/${mine.project.slug}/v1/chat/completions`, chat(other.token));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("wrong_project");
  });

  it("answers 404 project_not_found for an unknown slug", async () => {
    const { token } = await setupProject();
    const res = await devFetch(`${API}/p/nobody-here-000/v1/chat/completions`, chat(token));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("project_not_found");
  });

  it("is not a second door on a project hostname: `/p/…` there stays a project path", async () => {
    const [mine, other] = await Promise.all([setupProject(), setupProject()]);
    const res = await devFetch(`https://${mine.project.slug}.localhost/p/${other.project.slug}/v1/models`, {
      headers: { Authorization: `Bearer ${other.token}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
