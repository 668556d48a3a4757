import { createRoute, z } from "@hono/zod-openapi";
import { auditTarget, recordAudit } from "../audit/writer";
import { database } from "../db/client";
import { newId } from "../db/ids";
import { findTenant, insertTenant, listTenants, updateTenantPlan, type Tenant } from "../db/tenants";
import { GatewayError } from "../errors";
import { newAdminCredentialRow, requireOperator, tenantScope } from "./actor";
import { controlRouter } from "./openapi-app";
import { commonErrors, IdParam, jsonBody, jsonResponse } from "./schemas";

const Plan = z.enum(["free", "pro", "business", "enterprise"]);

const TenantView = z.object({ id: z.string(), name: z.string(), plan: Plan, created_at: z.string() }).openapi("Tenant");

const CreateTenant = z.object({ name: z.string().min(1).max(200), plan: Plan.default("free") }).strict();
const UpdateTenant = z.object({ plan: Plan }).strict();

const createTenant = createRoute({
  method: "post",
  path: "/v1/tenants",
  tags: ["tenants"],
  summary: "Create a tenant (operator). The admin credential is returned once.",
  request: jsonBody(CreateTenant),
  responses: {
    201: jsonResponse(TenantView.extend({ admin_credential: z.string() }), "Created; store the admin credential now"),
    ...commonErrors,
  },
});

const listTenantsRoute = createRoute({
  method: "get",
  path: "/v1/tenants",
  tags: ["tenants"],
  summary: "List tenants (operator: all; tenant admin: its own)",
  responses: { 200: jsonResponse(z.object({ data: z.array(TenantView) }), "Tenants"), ...commonErrors },
});

const getTenant = createRoute({
  method: "get",
  path: "/v1/tenants/{id}",
  tags: ["tenants"],
  request: { params: IdParam },
  responses: { 200: jsonResponse(TenantView, "The tenant"), ...commonErrors },
});

const patchTenant = createRoute({
  method: "patch",
  path: "/v1/tenants/{id}",
  tags: ["tenants"],
  summary: "Change a tenant's plan (operator)",
  request: { params: IdParam, ...jsonBody(UpdateTenant) },
  responses: { 200: jsonResponse(TenantView, "Updated"), ...commonErrors },
});

export function tenantRoutes() {
  const app = controlRouter();

  app.openapi(createTenant, async (c) => {
    requireOperator(c.get("actor"));
    const body = c.req.valid("json");
    const now = Date.now();
    const tenantId = newId("ten");
    const { row, plaintext: credential } = await newAdminCredentialRow(tenantId);
    await insertTenant(database(c.env), { id: tenantId, name: body.name, plan: body.plan, createdAt: now }, row);
    const view = tenantView({ id: tenantId, name: body.name, plan: body.plan, createdAt: now, alertWebhookUrl: null });
    await recordAudit(c, { tenantId, action: "tenant.create", target: auditTarget(["tenant", tenantId]), after: view });
    return c.json({ ...view, admin_credential: credential }, 201);
  });

  app.openapi(listTenantsRoute, async (c) => {
    const scope = tenantScope(c.get("actor"));
    const db = database(c.env);
    const rows = scope ? [await findTenant(db, scope)].filter((row) => row !== undefined) : await listTenants(db);
    return c.json({ data: rows.map(tenantView) }, 200);
  });

  app.openapi(getTenant, async (c) => {
    const tenant = await visibleTenant(c.env, c.get("actor"), c.req.valid("param").id);
    return c.json(tenantView(tenant), 200);
  });

  app.openapi(patchTenant, async (c) => {
    requireOperator(c.get("actor"));
    const before = await findTenant(database(c.env), c.req.valid("param").id);
    const updated = await updateTenantPlan(database(c.env), c.req.valid("param").id, c.req.valid("json").plan);
    if (!updated) throw new GatewayError("not_found", "No such tenant.");
    await recordAudit(c, {
      tenantId: updated.id,
      action: "tenant.update",
      target: auditTarget(["tenant", updated.id]),
      before: before && tenantView(before),
      after: tenantView(updated),
    });
    return c.json(tenantView(updated), 200);
  });

  return app;
}

/** A tenant admin asking for another tenant gets the same 404 as for a tenant that does not exist. */
export async function visibleTenant(
  env: Env,
  actor: Parameters<typeof tenantScope>[0],
  tenantId: string,
): Promise<Tenant> {
  const scope = tenantScope(actor);
  const tenant = scope === undefined || scope === tenantId ? await findTenant(database(env), tenantId) : undefined;
  if (!tenant) throw new GatewayError("not_found", "No such tenant.");
  return tenant;
}

function tenantView(tenant: Tenant) {
  return { id: tenant.id, name: tenant.name, plan: tenant.plan, created_at: new Date(tenant.createdAt).toISOString() };
}
