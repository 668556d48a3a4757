import { z as zo } from "@hono/zod-openapi";
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { budgetAlertSettings, projects, sharedBudgets, tenants } from "../../schema";
import { alertSettingsForAudit } from "../audit/prior-state";
import { auditTarget, recordAudit } from "../audit/writer";
import { database, type Database } from "../db/client";
import { newId } from "../db/ids";
import { findTenant } from "../db/tenants";
import { GatewayError } from "../errors";
import type { Actor, ControlPlaneEnv } from "../http/app-env";
import { microToUsd } from "../limits/budget-headers";
import { usdToMicro } from "../limits/budget";
import { webhookSigningSecret } from "../usage/webhook-signature";
import { reconfigureGates } from "../limits/gate-snapshot";
import { DEFAULT_ALERT_THRESHOLDS } from "../usage/alerts";
import { jsonBody } from "./killswitches";
import { commonErrors, ErrorBody, IdParam, jsonBody as jsonRequest, jsonResponse, taggedRoute } from "./schemas";
import { parseQuery } from "./usage";

const Usd = z.number().positive().max(100_000_000);
const CreateBudget = z
  .object({
    tenant_id: z.string().min(1).optional(),
    scope: z.enum(["tenant", "cost_center"]),
    /** The cost center's name; omitted for tenant budgets. */
    cost_center: z.string().min(1).max(100).optional(),
    period: z.enum(["day", "month"]),
    limit_usd: Usd,
  })
  .strict()
  .refine((b) => (b.scope === "cost_center") === (b.cost_center !== undefined), {
    message: "required exactly for scope cost_center",
    path: ["cost_center"],
  });
const PatchBudget = z.object({ limit_usd: Usd }).strict();
const ListQuery = z.object({ tenant_id: z.string().min(1).optional() }).strict();
const AlertSettings = z
  .object({
    // https only: the gateway POSTs budget figures there.
    webhook_url: z.string().url().max(2_000).startsWith("https://", "must be an https URL").nullable(),
    thresholds: z.array(z.number().int().min(1).max(100)).min(1).max(10).optional(),
  })
  .strict();

type BudgetRow = typeof sharedBudgets.$inferSelect;

/** Shared (tenant / cost-center) dollar budgets and the tenant's budget-alert webhook. */
export function budgetRoutes() {
  const app = new Hono<ControlPlaneEnv>();

  app.get("/v1/budgets", async (c) => {
    const q = parseQuery(ListQuery, c.req.query());
    const tenantId = tenantFor(c.get("actor"), q.tenant_id, false);
    const db = database(c.env);
    const rows = await (tenantId
      ? db.select().from(sharedBudgets).where(eq(sharedBudgets.tenantId, tenantId))
      : db.select().from(sharedBudgets)
    ).all();
    return c.json({ data: rows.map(budgetView) });
  });

  app.post("/v1/budgets", async (c) => {
    const body = parseQuery(CreateBudget, await jsonBody(c.req.raw));
    const tenantId = tenantFor(c.get("actor"), body.tenant_id, true) as string;
    const db = database(c.env);
    if (!(await findTenant(db, tenantId)))
      throw new GatewayError("not_found", "No such tenant.", { param: "tenant_id" });
    const row: BudgetRow = {
      id: newId("bud"),
      tenantId,
      scope: body.scope,
      scopeId: body.cost_center ?? tenantId,
      period: body.period,
      limitMicroUsd: usdToMicro(body.limit_usd),
      createdAt: Date.now(),
    };
    const inserted = await db.insert(sharedBudgets).values(row).onConflictDoNothing().returning().get();
    if (!inserted) throw new GatewayError("conflict", "A budget for this scope and period exists; update it instead.");
    await reconfigureGates(c.env, db, await affectedProjects(db, row));
    await recordAudit(c, {
      tenantId,
      action: "budget.create",
      target: auditTarget(["tenant", tenantId], ["budget", row.id]),
      after: budgetView(row),
    });
    return c.json(budgetView(row), 201);
  });

  app.patch("/v1/budgets/:id", async (c) => {
    const body = parseQuery(PatchBudget, await jsonBody(c.req.raw));
    const db = database(c.env);
    const row = await visibleBudget(db, c.get("actor"), c.req.param("id"));
    const updated = { ...row, limitMicroUsd: usdToMicro(body.limit_usd) };
    await db
      .update(sharedBudgets)
      .set({ limitMicroUsd: updated.limitMicroUsd })
      .where(eq(sharedBudgets.id, row.id))
      .run();
    await reconfigureGates(c.env, db, await affectedProjects(db, row));
    await recordAudit(c, {
      tenantId: row.tenantId,
      action: "budget.update",
      target: auditTarget(["tenant", row.tenantId], ["budget", row.id]),
      before: budgetView(row),
      after: budgetView(updated),
    });
    return c.json(budgetView(updated));
  });

  app.delete("/v1/budgets/:id", async (c) => {
    const db = database(c.env);
    const row = await visibleBudget(db, c.get("actor"), c.req.param("id"));
    await db.delete(sharedBudgets).where(eq(sharedBudgets.id, row.id)).run();
    await reconfigureGates(c.env, db, await affectedProjects(db, row));
    await recordAudit(c, {
      tenantId: row.tenantId,
      action: "budget.delete",
      target: auditTarget(["tenant", row.tenantId], ["budget", row.id]),
      before: budgetView(row),
    });
    return c.json(budgetView(row));
  });

  app.get("/v1/tenants/:id/budget-alerts", async (c) => {
    const db = database(c.env);
    const tenantId = await visibleTenant(db, c.get("actor"), c.req.param("id"));
    return c.json(await withSigningSecret(c.env, await alertView(db, tenantId)));
  });

  app.put("/v1/tenants/:id/budget-alerts", async (c) => {
    const db = database(c.env);
    const tenantId = await visibleTenant(db, c.get("actor"), c.req.param("id"));
    const body = parseQuery(AlertSettings, await jsonBody(c.req.raw));
    const before = await alertView(db, tenantId);
    await db.update(tenants).set({ alertWebhookUrl: body.webhook_url }).where(eq(tenants.id, tenantId)).run();
    if (body.thresholds) {
      const thresholds = JSON.stringify([...new Set(body.thresholds)].sort((a, b) => a - b));
      await db
        .insert(budgetAlertSettings)
        .values({ tenantId, thresholds, updatedAt: Date.now() })
        .onConflictDoUpdate({ target: budgetAlertSettings.tenantId, set: { thresholds, updatedAt: Date.now() } })
        .run();
    }
    const ids = (await db.select({ id: projects.id }).from(projects).where(eq(projects.tenantId, tenantId)).all()).map(
      (p) => p.id,
    );
    await reconfigureGates(c.env, db, ids);
    const after = await alertView(db, tenantId);
    await recordAudit(c, {
      tenantId,
      action: "budget_alerts.update",
      target: auditTarget(["tenant", tenantId], ["budget_alerts", "tenant"]),
      before: alertSettingsForAudit(before),
      after: alertSettingsForAudit(after),
    });
    return c.json(await withSigningSecret(c.env, after));
  });

  return app;
}

const SharedBudget = zo
  .object({
    id: zo.string(),
    tenant_id: zo.string(),
    scope: zo.enum(["tenant", "cost_center"]),
    cost_center: zo.string().nullable(),
    period: zo.enum(["day", "month"]),
    limit_usd: zo.string(),
    limit_micro_usd: zo.number().int(),
    created_at: zo.string(),
  })
  .openapi("SharedBudget");
const AlertSettingsView = zo
  .object({
    tenant_id: zo.string(),
    webhook_url: zo.string().nullable(),
    thresholds: zo.array(zo.number().int()),
    signing_secret: zo.string().describe("Verifies X-Tollgate-Signature on budget-alert webhooks"),
  })
  .openapi("BudgetAlerts");
const budgetRoute = taggedRoute("budgets");

/** The OpenAPI description of `budgetRoutes` (the handlers validate with the same schemas). */
export const budgetDocs = [
  budgetRoute({
    method: "get",
    path: "/v1/budgets",
    summary: "Shared dollar budgets (a tenant admin's own; the operator may filter by tenant)",
    request: { query: ListQuery },
    responses: { 200: jsonResponse(zo.object({ data: zo.array(SharedBudget) }), "Budgets"), ...commonErrors },
  }),
  budgetRoute({
    method: "post",
    path: "/v1/budgets",
    summary: "A tenant or cost-center dollar budget, enforced across its projects",
    request: jsonRequest(CreateBudget),
    responses: {
      201: jsonResponse(SharedBudget, "Created"),
      409: jsonResponse(ErrorBody, "One exists for this scope and period (`conflict`)"),
      ...commonErrors,
    },
  }),
  budgetRoute({
    method: "patch",
    path: "/v1/budgets/{id}",
    summary: "Change a budget's limit",
    request: { params: IdParam, ...jsonRequest(PatchBudget) },
    responses: { 200: jsonResponse(SharedBudget, "Updated"), ...commonErrors },
  }),
  budgetRoute({
    method: "delete",
    path: "/v1/budgets/{id}",
    summary: "Delete a budget",
    request: { params: IdParam },
    responses: { 200: jsonResponse(SharedBudget, "Deleted"), ...commonErrors },
  }),
  budgetRoute({
    method: "get",
    path: "/v1/tenants/{id}/budget-alerts",
    summary: "The tenant's budget-alert webhook and thresholds",
    request: { params: IdParam },
    responses: { 200: jsonResponse(AlertSettingsView, "Settings"), ...commonErrors },
  }),
  budgetRoute({
    method: "put",
    path: "/v1/tenants/{id}/budget-alerts",
    summary: "Set the webhook (https only) and thresholds (percent)",
    request: { params: IdParam, ...jsonRequest(AlertSettings) },
    responses: { 200: jsonResponse(AlertSettingsView, "Settings"), ...commonErrors },
  }),
];

/** The tenant a call acts on: a tenant admin's own (another id → 404); the operator names one when `required`. */
function tenantFor(actor: Actor, requested: string | undefined, required: boolean): string | undefined {
  if (actor.kind === "tenant_admin") {
    if (requested !== undefined && requested !== actor.tenantId)
      throw new GatewayError("not_found", "No such tenant.", { param: "tenant_id" });
    return actor.tenantId;
  }
  if (required && requested === undefined)
    throw new GatewayError("invalid_request", "The operator must name tenant_id.", { param: "tenant_id" });
  return requested;
}

async function visibleTenant(db: Database, actor: Actor, tenantId: string): Promise<string> {
  if ((actor.kind === "tenant_admin" && actor.tenantId !== tenantId) || !(await findTenant(db, tenantId))) {
    throw new GatewayError("not_found", "No such tenant.");
  }
  return tenantId;
}

async function visibleBudget(db: Database, actor: Actor, id: string): Promise<BudgetRow> {
  const row = await db.select().from(sharedBudgets).where(eq(sharedBudgets.id, id)).get();
  if (!row || (actor.kind === "tenant_admin" && row.tenantId !== actor.tenantId))
    throw new GatewayError("not_found", "No such budget.");
  return row;
}

async function affectedProjects(db: Database, budget: BudgetRow): Promise<string[]> {
  const scope =
    budget.scope === "tenant"
      ? eq(projects.tenantId, budget.tenantId)
      : and(eq(projects.tenantId, budget.tenantId), eq(projects.costCenter, budget.scopeId));
  return (await db.select({ id: projects.id }).from(projects).where(scope).all()).map((p) => p.id);
}

/** The receiver's verification secret goes to the tenant admin only, never into the audit record. */
async function withSigningSecret<View extends { tenant_id: string }>(env: Env, view: View) {
  return { ...view, signing_secret: await webhookSigningSecret(env, view.tenant_id) };
}

async function alertView(db: Database, tenantId: string) {
  const [tenant, settings] = await Promise.all([
    db.select({ url: tenants.alertWebhookUrl }).from(tenants).where(eq(tenants.id, tenantId)).get(),
    db.select().from(budgetAlertSettings).where(eq(budgetAlertSettings.tenantId, tenantId)).get(),
  ]);
  return {
    tenant_id: tenantId,
    webhook_url: tenant?.url ?? null,
    thresholds: settings ? (JSON.parse(settings.thresholds) as number[]) : [...DEFAULT_ALERT_THRESHOLDS],
  };
}

function budgetView(row: BudgetRow) {
  return {
    id: row.id,
    tenant_id: row.tenantId,
    scope: row.scope,
    cost_center: row.scope === "cost_center" ? row.scopeId : null,
    period: row.period,
    limit_usd: microToUsd(row.limitMicroUsd),
    limit_micro_usd: row.limitMicroUsd,
    created_at: new Date(row.createdAt).toISOString(),
  };
}
