import { createMiddleware } from "hono/factory";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import { checkIpLimit } from "../limits/ip-limit";
import type { DataPlaneEnv } from "./app-env";
import { setRateLimitHeaders } from "./error-handler";

/**
 * The per-IP safety net (SPEC `ip_rpm_limit`, all projects), checked before anything else so floods are
 * refused before they cost a database or JWT verification. Its state fills the X-RateLimit-* headers until
 * admission replaces them with the project's.
 */
export function limitPerIp() {
  return createMiddleware<DataPlaneEnv>(async function limitPerIp(c, next) {
    const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
    const result = await checkIpLimit(c.env, ip, loadConfig(c.env).IP_RPM_LIMIT);
    c.set("rateLimit", { limit: result.limit, remaining: result.remaining, reset: result.reset });
    if (!result.ok) throw new GatewayError("rate_limit_exceeded", "Too many requests from this IP address.", { retryAfter: result.retryAfter ?? 1 });
    await next();
    const state = c.get("rateLimit");
    if (state) setRateLimitHeaders(c.res.headers, state);
  });
}
