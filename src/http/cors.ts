import { createMiddleware } from "hono/factory";
import { database } from "../db/client";
import { findProject, projectSettings } from "../db/projects";
import { GatewayError } from "../errors";
import type { ProjectSettings } from "../settings/schema";
import type { DataPlaneEnv } from "./app-env";
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS, originAllowed } from "./cors-policy";

/**
 * Per-project CORS. Preflights are answered here from the project's stored settings. Actual requests get
 * their `Access-Control-Allow-Origin` on the way out, decided on the live settings that admission returned
 * (or the stored ones when the request failed earlier), and a disallowed origin is refused by
 * `enforceOrigin` right after admission. Never `*`, never credentials, never an unlisted origin reflected.
 */
export function projectCors() {
  return createMiddleware<DataPlaneEnv>(async function projectCors(c, next) {
    const origin = c.req.header("Origin");
    if (c.req.method === "OPTIONS" && origin && c.req.header("Access-Control-Request-Method")) {
      const allowed = originAllowed(origin, (await storedSettings(c.env, c.get("project").id)).cors_origins);
      if (!allowed) throw new GatewayError("origin_not_allowed", "This origin may not call this project.");
      return new Response(null, {
        status: 204,
        headers: {
          "Access-Control-Allow-Origin": origin,
          "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
          "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
          "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
          Vary: "Origin",
        },
      });
    }
    try {
      await next();
    } finally {
      c.res.headers.append("Vary", "Origin");
      if (origin) {
        const settings = c.get("settings") ?? (await storedSettings(c.env, c.get("project").id));
        if (originAllowed(origin, settings.cors_origins)) {
          c.res.headers.set("Access-Control-Allow-Origin", origin);
          c.res.headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
        }
      }
    }
  });
}

/** Pipeline step after admission: a browser origin not in the live allowlist is refused. */
export function enforceOrigin() {
  return createMiddleware<DataPlaneEnv>(async function enforceOrigin(c, next) {
    const origin = c.req.header("Origin");
    if (origin !== undefined && !originAllowed(origin, c.get("settings").cors_origins)) {
      throw new GatewayError("origin_not_allowed", "This origin may not call this project.");
    }
    await next();
  });
}

async function storedSettings(env: Env, projectId: string): Promise<ProjectSettings> {
  return projectSettings(await findProject(database(env), projectId));
}
