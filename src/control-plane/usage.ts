import { z as zo } from "@hono/zod-openapi";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { findProject } from "../db/projects";
import { database } from "../db/client";
import { GatewayError } from "../errors";
import type { Actor, ControlPlaneEnv } from "../http/app-env";
import { microToUsd } from "../limits/budget-headers";
import { projectGate } from "../limits/gate-client";
import { configureGate } from "../limits/gate-snapshot";
import { commonErrors, IdParam, jsonResponse, taggedRoute } from "./schemas";
import {
  GROUP_COLUMNS,
  ledgerCsv,
  ledgerRows,
  usageByGroup,
  usageTimeseries,
  usageTotal,
  type GroupBy,
  type UsageFilter,
  type UsageTotals,
} from "../usage/finops-queries";

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day YYYY-MM-DD")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "not a calendar day",
  );
const Id = z.string().min(1).max(200);
const GroupByParam = z.enum(Object.keys(GROUP_COLUMNS) as [GroupBy, ...GroupBy[]]);

const Filters = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    tenant_id: Id.optional(),
    project_id: Id.optional(),
    cost_center: Id.optional(),
    user_id: Id.optional(),
    session_id: Id.optional(),
    model: Id.optional(),
  })
  .strict();
const GroupedQuery = Filters.extend({ group_by: GroupByParam.default("project") }).strict();
const SeriesQuery = Filters.extend({ group_by: GroupByParam.optional() }).strict();
const BudgetQuery = z.object({ user_id: Id.optional() }).strict();

/** Default window: the last 30 days; at most 366 days per query so one call cannot scan years of ledger. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
const CSV_ROW_CAP = 100_000;

/**
 * FinOps read API over the usage ledger. Every query is confined to the caller's tenant: a tenant admin
 * naming another tenant gets 404, exactly as for a resource that does not exist.
 */
export function usageRoutes() {
  const app = new Hono<ControlPlaneEnv>();

  app.get("/v1/usage", async (c) => {
    const q = parseQuery(GroupedQuery, c.req.query());
    const filter = scopedFilter(c.get("actor"), q);
    const db = database(c.env);
    const [groups, total] = await Promise.all([usageByGroup(db, filter, q.group_by), usageTotal(db, filter)]);
    return c.json({
      group_by: q.group_by,
      from: filter.from,
      to: filter.to,
      data: groups.map(({ key, ...sums }) => ({ [q.group_by]: key, ...view(sums) })),
      total: view(total),
    });
  });

  app.get("/v1/usage/timeseries", async (c) => {
    const q = parseQuery(SeriesQuery, c.req.query());
    const filter = scopedFilter(c.get("actor"), q);
    const points = await usageTimeseries(database(c.env), filter, q.group_by);
    return c.json({
      group_by: q.group_by ?? null,
      from: filter.from,
      to: filter.to,
      data: points.map(({ day, key, ...sums }) => ({
        day,
        ...(q.group_by ? { [q.group_by]: key } : {}),
        ...view(sums),
      })),
    });
  });

  app.get("/v1/usage/export.csv", async (c) => {
    const filter = scopedFilter(c.get("actor"), parseQuery(Filters, c.req.query()));
    const rows = await ledgerRows(database(c.env), filter, CSV_ROW_CAP);
    return c.body(ledgerCsv(rows), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="usage-${filter.from}-${filter.to}.csv"`,
    });
  });

  app.get("/v1/projects/:id/budgets", async (c) => {
    const { user_id } = parseQuery(BudgetQuery, c.req.query());
    const project = await visibleProject(c, c.req.param("id"));
    const gate = projectGate(c.env, project.id);
    let status = await gate.budgetStatus(user_id);
    if (!status.configured) {
      await configureGate(c.env, database(c.env), project.id);
      status = await gate.budgetStatus(user_id);
    }
    return c.json({
      project_id: project.id,
      budgets: status.budgets.map((b) => ({
        name: b.name,
        unit: b.unit === "tokens" ? "tokens" : "usd",
        period: b.period,
        period_key: b.periodKey,
        ...(b.unit === "tokens"
          ? { limit: b.limit, spent: b.spent, reserved: b.reserved, remaining: b.remaining }
          : {
              limit: microToUsd(b.limit),
              spent: microToUsd(b.spent),
              reserved: microToUsd(b.reserved),
              remaining: microToUsd(b.remaining),
            }),
      })),
    });
  });

  return app;
}

const Sums = zo.object({
  requests: zo.number().int(),
  prompt_tokens: zo.number().int(),
  completion_tokens: zo.number().int(),
  total_tokens: zo.number().int(),
  cost_micro_usd: zo.number().int(),
  cost_usd: zo.string().describe("Decimal dollars, six places"),
  cache_hits: zo.number().int().describe("Requests the response cache answered (charged 0)"),
  saved_tokens: zo.number().int().describe("Tokens the cached answers cost when they were made"),
  saved_micro_usd: zo.number().int(),
  saved_usd: zo.string().describe("Dollars the cache saved, six places"),
  cache_hit_rate: zo.number().min(0).max(1).describe("cache_hits ÷ requests"),
});
const UsageSums = Sums.openapi("UsageSums");
const groupKeys = Object.fromEntries(Object.keys(GROUP_COLUMNS).map((key) => [key, zo.string().nullable().optional()]));
const BudgetStatusLine = zo
  .object({
    name: zo.string(),
    unit: zo.enum(["tokens", "usd"]),
    period: zo.string(),
    period_key: zo.string(),
    limit: zo.union([zo.number(), zo.string()]).describe("Tokens, or decimal dollars for `usd`"),
    spent: zo.union([zo.number(), zo.string()]),
    reserved: zo.union([zo.number(), zo.string()]),
    remaining: zo.union([zo.number(), zo.string()]),
  })
  .openapi("BudgetStatus");

const usageRoute = taggedRoute("usage");

/** The OpenAPI description of `usageRoutes` (the handlers validate their queries with the same schemas). */
export const usageDocs = [
  usageRoute({
    method: "get",
    path: "/v1/usage",
    summary: "Tokens and cost from the usage ledger, grouped (default: by project; last 30 days, at most 366)",
    request: { query: GroupedQuery },
    responses: {
      200: jsonResponse(
        zo.object({
          group_by: zo.string(),
          from: zo.string(),
          to: zo.string(),
          data: zo.array(Sums.extend(groupKeys)),
          total: UsageSums,
        }),
        "One row per group, and the total",
      ),
      ...commonErrors,
    },
  }),
  usageRoute({
    method: "get",
    path: "/v1/usage/timeseries",
    summary: "The same sums per UTC day, optionally split by a group",
    request: { query: SeriesQuery },
    responses: {
      200: jsonResponse(
        zo.object({
          group_by: zo.string().nullable(),
          from: zo.string(),
          to: zo.string(),
          data: zo.array(Sums.extend({ day: zo.string(), ...groupKeys })),
        }),
        "One row per day (and group)",
      ),
      ...commonErrors,
    },
  }),
  usageRoute({
    method: "get",
    path: "/v1/usage/export.csv",
    summary: `The ledger rows behind the sums, as CSV (at most ${CSV_ROW_CAP.toLocaleString("en")} rows)`,
    request: { query: Filters },
    responses: {
      200: { content: { "text/csv": { schema: zo.string() } }, description: "One line per request" },
      ...commonErrors,
    },
  }),
  usageRoute({
    method: "get",
    path: "/v1/projects/{id}/budgets",
    summary:
      "Spent, reserved and remaining for each budget of the project (and of `user_id` when given), shared pools included",
    request: { params: IdParam, query: BudgetQuery },
    responses: {
      200: jsonResponse(
        zo.object({ project_id: zo.string(), budgets: zo.array(BudgetStatusLine) }),
        "Live figures from the project's gate",
      ),
      ...commonErrors,
    },
  }),
];

function view(t: UsageTotals) {
  return {
    ...t,
    total_tokens: t.prompt_tokens + t.completion_tokens,
    cost_usd: microToUsd(t.cost_micro_usd),
    saved_usd: microToUsd(t.saved_micro_usd),
    cache_hit_rate: t.requests > 0 ? t.cache_hits / t.requests : 0,
  };
}

type FilterQuery = z.infer<typeof Filters>;

function scopedFilter(actor: Actor, q: FilterQuery): UsageFilter {
  if (actor.kind === "tenant_admin" && q.tenant_id !== undefined && q.tenant_id !== actor.tenantId) {
    throw new GatewayError("not_found", "No such tenant.", { param: "tenant_id" });
  }
  const today = new Date().toISOString().slice(0, 10);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) throw new GatewayError("invalid_request", "'from' must not be after 'to'.", { param: "from" });
  if (addDays(from, MAX_DAYS - 1) < to)
    throw new GatewayError("invalid_request", `At most ${MAX_DAYS} days per query.`, { param: "from" });
  return {
    from,
    to,
    tenantId: actor.kind === "tenant_admin" ? actor.tenantId : q.tenant_id,
    projectId: q.project_id,
    costCenter: q.cost_center,
    userId: q.user_id,
    sessionId: q.session_id,
    model: q.model,
  };
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A project the actor may see; another tenant's project is indistinguishable from a missing one. */
export async function visibleProject(c: Context<ControlPlaneEnv>, projectId: string) {
  const project = await findProject(database(c.env), projectId);
  const actor = c.get("actor");
  if (!project || (actor.kind === "tenant_admin" && project.tenantId !== actor.tenantId)) {
    throw new GatewayError("not_found", "No such project.");
  }
  return project;
}

/**
 * zod at the boundary for query strings and JSON bodies: the first issue becomes 400 `invalid_request` naming
 * the parameter (never echoing the submitted value).
 */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.code === "unrecognized_keys" ? issue.keys[0] : issue?.path.map(String).join(".");
  const reason = issue?.code === "unrecognized_keys" ? "unknown parameter" : (issue?.message ?? "invalid");
  throw new GatewayError("invalid_request", `Invalid parameter '${param ?? "?"}': ${reason}.`, {
    param: param || undefined,
  });
}
