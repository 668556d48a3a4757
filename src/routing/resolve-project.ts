import { createMiddleware } from "hono/factory";
import { database } from "../db/client";
import { findProject, findProjectBySlug, type ProjectRow } from "../db/projects";
import { hostDomains, loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { DataPlaneEnv, ProjectRef } from "../http/app-env";
import { routeHost } from "./host";

/**
 * Host → project. A slug never changes owner, so the slug → ids mapping is cached per isolate; everything
 * mutable (status, settings, kill switches) comes from the project's Durable Object at admission, never from
 * this cache, so a change holds for the next request.
 */
const refs = new Map<string, ProjectRef>();
const MAX_CACHED = 5_000;

export function resolveProject() {
  return createMiddleware<DataPlaneEnv>(async function resolveProject(c, next) {
    const route = routeHost(c.req.header("Host") ?? new URL(c.req.url).host, hostDomains(loadConfig(c.env)));
    const cacheKey = route.plane === "data" ? route.slug : route.plane === "legacy" ? `${route.tenantId}/${route.projectId}` : "";
    let ref = refs.get(cacheKey);
    if (!ref) {
      const row = await lookup(c.env, route);
      if (!row) throw new GatewayError("project_not_found", "No project is served at this hostname.");
      ref = { id: row.id, tenantId: row.tenantId, slug: row.slug };
      if (refs.size >= MAX_CACHED) refs.clear();
      refs.set(cacheKey, ref);
    }
    c.set("project", ref);
    await next();
  });
}

async function lookup(env: Env, route: ReturnType<typeof routeHost>): Promise<ProjectRow | undefined> {
  const db = database(env);
  if (route.plane === "data") return findProjectBySlug(db, route.slug);
  if (route.plane === "legacy") {
    const row = await findProject(db, route.projectId);
    return row?.tenantId === route.tenantId ? row : undefined;
  }
  return undefined;
}
