import { z } from "@hono/zod-openapi";
import { auditTarget, recordAudit } from "../audit/writer";
import { database } from "../db/client";
import { newId } from "../db/ids";
import {
  deleteTier,
  insertTierWithinCap,
  listTiers,
  MAX_TIERS_PER_PROJECT,
  updateTier,
  type TierRow,
} from "../db/projects";
import { GatewayError } from "../errors";
import { TierOverrides } from "../settings/schema";
import { syncProjectGate } from "./gate-sync";
import { controlRouter } from "./openapi-app";
import { visibleProject } from "./projects";
import { commonErrors, IdParam, jsonBody, jsonResponse, taggedRoute } from "./schemas";
import { validateSettingsPatch } from "./settings-validation";

const TierView = z
  .object({ name: z.string(), overrides: z.record(z.string(), z.unknown()), created_at: z.string() })
  .openapi("Tier");
const TierParams = IdParam.extend({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "lowercase letters, digits, _ and -"),
});
const PutTier = z.object({ overrides: TierOverrides }).strict();

const route = taggedRoute("tiers");

const listRoute = route({
  method: "get",
  path: "/v1/projects/{id}/tiers",
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ data: z.array(TierView) }), "Tiers"), ...commonErrors },
});
const putRoute = route({
  method: "put",
  path: "/v1/projects/{id}/tiers/{name}",
  summary: `Create or replace a tier (at most ${MAX_TIERS_PER_PROJECT} per project)`,
  request: { params: TierParams, ...jsonBody(PutTier) },
  responses: { 200: jsonResponse(TierView, "Saved"), ...commonErrors },
});
const deleteRoute = route({
  method: "delete",
  path: "/v1/projects/{id}/tiers/{name}",
  request: { params: TierParams },
  responses: { 200: jsonResponse(TierView, "Deleted"), ...commonErrors },
});

export function tierRoutes() {
  const app = controlRouter();

  app.openapi(listRoute, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    return c.json({ data: (await listTiers(database(c.env), project.id)).map(tierView) }, 200);
  });

  app.openapi(putRoute, async (c) => {
    const { id, name } = c.req.valid("param");
    const project = await visibleProject(c.env, c.get("actor"), id);
    const overrides = await validateSettingsPatch(c.req.valid("json").overrides, undefined);
    const db = database(c.env);
    const serialised = JSON.stringify(overrides);
    const previous = (await listTiers(db, project.id)).find((tier) => tier.name === name);
    const updated = await updateTier(db, project.id, name, serialised);
    if (!updated) {
      const created = await insertTierWithinCap(db, {
        id: newId("tier"),
        projectId: project.id,
        name,
        overrides: serialised,
        createdAt: Date.now(),
      });
      if (!created)
        throw new GatewayError("plan_limit_reached", `A project has at most ${MAX_TIERS_PER_PROJECT} tiers.`);
    }
    await syncProjectGate(c.env, project.id);
    const saved = (await listTiers(db, project.id)).find((tier) => tier.name === name);
    // Only a concurrent delete between the write and this read can get here.
    if (!saved) throw new GatewayError("not_found", `Tier '${name}' was removed while it was being saved.`);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "tier.put",
      target: auditTarget(["project", project.id], ["tier", name]),
      before: previous && tierView(previous),
      after: tierView(saved),
    });
    return c.json(tierView(saved), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { id, name } = c.req.valid("param");
    const project = await visibleProject(c.env, c.get("actor"), id);
    const deleted = await deleteTier(database(c.env), project.id, name);
    if (!deleted) throw new GatewayError("not_found", "No such tier.");
    await syncProjectGate(c.env, project.id);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "tier.delete",
      target: auditTarget(["project", project.id], ["tier", name]),
      before: tierView(deleted),
    });
    return c.json(tierView(deleted), 200);
  });

  return app;
}

function tierView(row: TierRow) {
  return {
    name: row.name,
    overrides: JSON.parse(row.overrides) as Record<string, unknown>,
    created_at: new Date(row.createdAt).toISOString(),
  };
}
