import { z as zo } from "@hono/zod-openapi";
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { projects } from "../../schema";
import { GLOBAL_CHAIN } from "../audit/chain";
import { killSwitchEnabled } from "../audit/prior-state";
import { auditTarget, recordAudit } from "../audit/writer";
import { database, type Database } from "../db/client";
import { writeKillSwitch } from "../db/kill-switches";
import { findTenant } from "../db/tenants";
import { GatewayError } from "../errors";
import type { ControlPlaneEnv } from "../http/app-env";
import { projectGate } from "../limits/gate-client";
import { GLOBAL_SCOPE_ID, inBatches } from "../limits/gate-snapshot";
import type { KillSwitchScope } from "../limits/gate-types";
import { commonErrors, IdParam, jsonBody as jsonRequest, jsonResponse, taggedRoute } from "./schemas";
import { parseQuery, visibleProject } from "./usage";

const Body = z.object({ enabled: z.boolean() }).strict();

/**
 * Kill switches. The write goes to D1 first (so a gate configured later reads it), then to every affected
 * project gate, awaited, so the switch holds for the very next request once this call has returned.
 */
export function killSwitchRoutes() {
  const app = new Hono<ControlPlaneEnv>();

  app.post("/v1/admin/killswitch/global", async (c) => {
    if (c.get("actor").kind !== "operator")
      throw new GatewayError("forbidden", "Only the operator may set the global kill switch.");
    const { enabled } = parseQuery(Body, await jsonBody(c.req.raw));
    const db = database(c.env);
    const ids = (await db.select({ id: projects.id }).from(projects).all()).map((p) => p.id);
    const before = await killSwitchEnabled(db, "global", GLOBAL_SCOPE_ID);
    const result = await flip(c.env, db, "global", GLOBAL_SCOPE_ID, enabled, ids);
    await recordAudit(c, {
      tenantId: GLOBAL_CHAIN,
      action: "killswitch.set",
      target: auditTarget(["killswitch", "global"]),
      before: { enabled: before },
      after: { enabled },
    });
    return c.json(result);
  });

  app.post("/v1/admin/killswitch/tenant/:id", async (c) => {
    const tenantId = c.req.param("id");
    const actor = c.get("actor");
    const db = database(c.env);
    if ((actor.kind === "tenant_admin" && actor.tenantId !== tenantId) || !(await findTenant(db, tenantId))) {
      throw new GatewayError("not_found", "No such tenant.");
    }
    const { enabled } = parseQuery(Body, await jsonBody(c.req.raw));
    const ids = (await db.select({ id: projects.id }).from(projects).where(eq(projects.tenantId, tenantId)).all()).map(
      (p) => p.id,
    );
    const before = await killSwitchEnabled(db, "tenant", tenantId);
    const result = await flip(c.env, db, "tenant", tenantId, enabled, ids);
    await recordAudit(c, {
      tenantId,
      action: "killswitch.set",
      target: auditTarget(["tenant", tenantId], ["killswitch", "tenant"]),
      before: { enabled: before },
      after: { enabled },
    });
    return c.json(result);
  });

  app.post("/v1/admin/killswitch/project/:id", async (c) => {
    const project = await visibleProject(c, c.req.param("id"));
    const { enabled } = parseQuery(Body, await jsonBody(c.req.raw));
    const before = await killSwitchEnabled(database(c.env), "project", project.id);
    const result = await flip(c.env, database(c.env), "project", project.id, enabled, [project.id]);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "killswitch.set",
      target: auditTarget(["project", project.id], ["killswitch", "project"]),
      before: { enabled: before },
      after: { enabled },
    });
    return c.json(result);
  });

  return app;
}

async function flip(
  env: Env,
  db: Database,
  scope: KillSwitchScope,
  scopeId: string,
  enabled: boolean,
  projectIds: readonly string[],
) {
  const updatedAt = Date.now();
  const version = await writeKillSwitch(db, { scope, scopeId, enabled, updatedAt });
  // A gate without a snapshot ignores the push; its first configure loads the switch from D1 instead. Pushes of
  // concurrent flips may arrive in any order: the gate keeps the highest version.
  await inBatches(projectIds, (id) => projectGate(env, id).setKillSwitch(scope, enabled, version));
  return {
    scope,
    scope_id: scope === "global" ? null : scopeId,
    enabled,
    updated_at: new Date(updatedAt).toISOString(),
    projects: projectIds.length,
  };
}

const KillSwitchState = zo
  .object({
    scope: zo.enum(["global", "tenant", "project"]),
    scope_id: zo.string().nullable(),
    enabled: zo.boolean(),
    updated_at: zo.string(),
    projects: zo.number().int().describe("Project gates the switch was pushed to before this answer"),
  })
  .openapi("KillSwitch");

const killSwitchRoute = (path: string, summary: string, withId: boolean) =>
  taggedRoute("kill switches")({
    method: "post",
    path,
    summary,
    request: { ...(withId ? { params: IdParam } : {}), ...jsonRequest(Body) },
    responses: { 200: jsonResponse(KillSwitchState, "Set, and pushed to every affected gate"), ...commonErrors },
  });

/** The OpenAPI description of `killSwitchRoutes` (registered by the app; the handlers validate with `Body`). */
export const killSwitchDocs = [
  killSwitchRoute("/v1/admin/killswitch/global", "Stop or resume every project (operator only)", false),
  killSwitchRoute("/v1/admin/killswitch/tenant/{id}", "Stop or resume every project of a tenant", true),
  killSwitchRoute("/v1/admin/killswitch/project/{id}", "Stop or resume one project", true),
];

export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new GatewayError("invalid_request", "Request body is not valid JSON.");
  }
}
