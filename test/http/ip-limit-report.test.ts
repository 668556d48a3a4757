import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { loadConfig } from "../../src/env";
import type { DataPlaneEnv } from "../../src/http/app-env";
import { handleError } from "../../src/http/error-handler";
import { limitPerIp } from "../../src/http/ip-limit";
import { reportIpCounts } from "../../src/limits/ip-limit";
import { createIpWindow, IP_WINDOW_MS } from "../../src/limits/ip-window";
import type { ErrorReply } from "../support/control-plane";

// The middleware's side of the shared count: the decision never waits for it, its answer blocks later
// requests, and its failures never reach a client. Each test has an isolate (an IpWindow) of its own.
const redis = inject("redis");
const live = "url" in redis ? redis : null;

function isolate() {
  const app = new Hono<DataPlaneEnv>();
  app.onError(handleError);
  app.use(limitPerIp({ window: createIpWindow() }));
  app.get("/", (c) => c.text("ok"));
  return async (ip: string, bindings: object = env) => {
    const ctx = createExecutionContext();
    const started = Date.now();
    const res = await app.request("/", { headers: { "CF-Connecting-IP": ip } }, bindings, ctx);
    const answeredMs = Date.now() - started;
    await waitOnExecutionContext(ctx);
    return { res, answeredMs, settledMs: Date.now() - started };
  };
}

/** The tests below count in the current one-minute window: start them well inside it. */
async function earlyInWindow(): Promise<void> {
  const into = Date.now() % IP_WINDOW_MS;
  if (into > IP_WINDOW_MS - 3_000) await new Promise((resolve) => setTimeout(resolve, IP_WINDOW_MS - into + 50));
}

afterEach(() => vi.restoreAllMocks());

describe("limitPerIp and the shared count", () => {
  it("refuses an IP once the report says other isolates used its minute up", async () => {
    await earlyInWindow();
    const limit = loadConfig(env).IP_RPM_LIMIT;
    const ip = `198.51.100.77-${crypto.randomUUID().slice(0, 8)}`;
    await reportIpCounts(env, [{ ip, count: limit }]); // what the other isolates admitted
    const request = isolate();
    const first = await request(ip);
    expect(first.res.status).toBe(200); // this isolate had seen nothing; its report comes back at limit + 1
    const second = await request(ip);
    expect(second.res.status).toBe(429);
    expect((await second.res.json<ErrorReply>()).error.code).toBe("rate_limit_exceeded");
    expect(Number(second.res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(second.res.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect((await request(`${ip}-neighbour`)).res.status).toBe(200);
  });

  it.runIf(live)("answers before the report ends, even when Redis hangs, and the report falls back", async () => {
    await earlyInWindow();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const hanging = { ...env, UPSTASH_REDIS_REST_URL: live!.blackholeUrl, UPSTASH_REDIS_REST_TOKEN: live!.token };
    const ip = `198.51.100.78-${crypto.randomUUID().slice(0, 8)}`;
    const { res, answeredMs, settledMs } = await isolate()(ip, hanging);
    expect(res.status).toBe(200);
    expect(answeredMs).toBeLessThan(500);
    expect(settledMs).toBeGreaterThanOrEqual(900); // the report waited out the Redis deadline…
    // …then counted the hit in the embedded object instead.
    expect((await reportIpCounts(env, [{ ip, count: 0 }])).totals).toEqual([{ ip, count: 1 }]);
  });

  it("swallows a failing report: the request succeeds and the log names no detail", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const secret = "https://user:hunter2@redis.internal";
    const broken = {
      ...env,
      IP_LIMITER: {
        idFromName: () => ({}),
        get: () => ({ add: () => Promise.reject(new Error(`cannot reach ${secret}`)) }),
      },
    };
    const request = isolate();
    expect((await request("198.51.100.79", broken)).res.status).toBe(200);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls)).not.toContain("hunter2");
    expect((await request("198.51.100.79", broken)).res.status).toBe(200);
  });
});
