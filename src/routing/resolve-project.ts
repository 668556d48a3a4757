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
    const ref = await projectForRequest(c.env, c.req.raw);
    if (!ref) throw new GatewayError("project_not_found", "No project is served at this hostname.");
    c.set("project", ref);
    await next();
  });
}

/** The project whose hostname the request was sent to; undefined on the API host or an unknown name. */
export async function projectForRequest(env: Env, request: Request): Promise<ProjectRef | undefined> {
  const route = routeHost(request.headers.get("Host") ?? new URL(request.url).host, hostDomains(loadConfig(env)));
  if (route.plane !== "data" && route.plane !== "legacy") return undefined;
  const cacheKey = route.plane === "data" ? route.slug : `${route.tenantId}/${route.projectId}`;
  const cached = refs.get(cacheKey);
  if (cached) return cached;
  const row = await lookup(env, route);
  if (!row) return undefined;
  const ref = { id: row.id, tenantId: row.tenantId, slug: row.slug };
  if (refs.size >= MAX_CACHED) refs.clear();
  refs.set(cacheKey, ref);
  return ref;
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
