import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import { reportIpCounts } from "../limits/ip-limit";
import { startRedisIpCheck } from "../limits/ip-ratelimit";
import { createIpWindow, type IpWindow } from "../limits/ip-window";
import type { DataPlaneEnv } from "./app-env";
import { setRateLimitHeaders } from "./error-handler";

/** One per isolate: every pipeline built here shares it, so the isolate's count per IP is one count. */
const isolateWindow = createIpWindow();

/**
 * The per-IP safety net (SPEC `ip_rpm_limit`, all projects), checked before anything else so floods are
 * refused before they cost a database or JWT verification. The decision is local and synchronous
 * (src/limits/ip-window.ts); the shared count across isolates is updated in `waitUntil`, about once a
 * second, and only ever makes later requests stricter. Its state fills the X-RateLimit-* headers until
 * admission replaces them with the project's. With Redis configured, `@upstash/ratelimit` also counts the IP
 * across every isolate: started here, awaited by `awaitIpCheck` just before the provider call.
 */
export function limitPerIp(options: { window?: IpWindow } = {}) {
  const ipWindow = options.window ?? isolateWindow;
  return createMiddleware<DataPlaneEnv>(async function limitPerIp(c, next) {
    const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
    const limit = loadConfig(c.env).IP_RPM_LIMIT;
    const now = Date.now();
    const result = ipWindow.check(ip, limit, now);
    reportWhenDue(c, ipWindow, limit, now);
    c.set("rateLimit", { limit: result.limit, remaining: result.remaining, reset: result.reset });
    if (!result.ok)
      throw new GatewayError("rate_limit_exceeded", "Too many requests from this IP address.", {
        retryAfter: result.retryAfter ?? 1,
      });
    c.set("ipCheck", startRedisIpCheck(c.env, ip, limit));
    await next();
    const state = c.get("rateLimit");
    if (state) setRateLimitHeaders(c.res.headers, state);
  });
}

/**
 * The last step before the provider call (or before a non-inference route answers): the shared per-IP verdict,
 * whose Redis round trip ran alongside the checks before it. Slow or unreachable Redis leaves the decision to
 * the in-isolate window, which already let the request through.
 */
export function awaitIpCheck() {
  return createMiddleware<DataPlaneEnv>(async function awaitIpCheck(c, next) {
    const verdict = await c.get("ipCheck");
    if (verdict?.decided === "redis" && !verdict.ok) {
      c.set("rateLimit", { limit: verdict.limit, remaining: 0, reset: verdict.reset });
      throw new GatewayError("rate_limit_exceeded", "Too many requests from this IP address.", {
        retryAfter: Math.max(1, verdict.reset - Math.floor(Date.now() / 1000)),
      });
    }
    await next();
  });
}

function reportWhenDue(c: Context<DataPlaneEnv>, ipWindow: IpWindow, limit: number, now: number): void {
  const deltas = ipWindow.takeReport(now);
  if (!deltas) return;
  const reporting = reportIpCounts(c.env, deltas, now)
    .then((shared) => ipWindow.applyShared(shared, limit, Date.now()))
    .catch((err: unknown) => {
      // A safety net must not fail requests: the next report carries on. The kind only, never the message.
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "ip limit report failed",
          kind: err instanceof Error ? err.name : typeof err,
        }),
      );
    });
  waitUntil(c, reporting);
}

/** `c.executionCtx` throws where there is none (app.request in unit tests); the promise then runs unattended. */
function waitUntil(c: Context<DataPlaneEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // no execution context
  }
}
