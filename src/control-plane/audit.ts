import { z } from "@hono/zod-openapi";
import type { AuditEntry } from "../audit/chain";
import { listAuditEntries, listRequests, verifyTenantChain } from "../audit/queries";
import { database } from "../db/client";
import { GatewayError } from "../errors";
import type { Actor } from "../http/app-env";
import { microToUsd } from "../limits/budget-headers";
import { controlRouter } from "./openapi-app";
import { commonErrors, jsonResponse, taggedRoute } from "./schemas";

const Time = z.iso.datetime({ offset: true }).describe("ISO 8601 time, e.g. 2026-11-23T00:00:00Z");
const Id = z.string().min(1).max(200);
const Page = {
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

const AuditQuery = z
  .object({
    tenant_id: Id.optional().describe(
      "Operator: whose chain (`_global` for tenant-less actions); omitted = every chain",
    ),
    from: Time.optional(),
    to: Time.optional(),
    actor: Id.optional().describe("Credential id (`operator`, or an admin credential id)"),
    action: Id.optional(),
    target: Id.optional(),
    project_id: Id.optional().describe("The project and everything under it (keys, tiers, settings)"),
    ...Page,
  })
  .strict();

const VerifyQuery = z.object({ tenant_id: Id.optional().describe("Required for the operator") }).strict();

const RequestsQuery = z
  .object({
    tenant_id: Id.optional(),
    from: Time.optional(),
    to: Time.optional(),
    project_id: Id.optional(),
    user_id: Id.optional(),
    session_id: Id.optional(),
    model: Id.optional(),
    status: Id.optional(),
    request_id: Id.optional(),
    ...Page,
  })
  .strict();

const AuditEntryView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    seq: z.number().int(),
    actor: z.object({ id: z.string(), role: z.string() }),
    action: z.string(),
    target: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    created_at: z.string(),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .openapi("AuditEntry");

const VerifyView = z
  .object({
    tenant_id: z.string(),
    ok: z.boolean(),
    entries: z.number().int().describe("Entries verified before the first bad one (all of them when ok)"),
    head_hash: z
      .string()
      .nullable()
      .describe("Hash of the last verified entry; keep it elsewhere to detect truncation later"),
    first_bad: z
      .object({
        seq: z.number().int(),
        id: z.string(),
        reason: z.enum(["seq_gap", "prev_hash_mismatch", "hash_mismatch"]),
      })
      .nullable(),
  })
  .openapi("AuditVerification");

const RequestView = z
  .object({
    request_id: z.string(),
    tenant_id: z.string(),
    project_id: z.string(),
    cost_center: z.string().nullable(),
    user_id: z.string(),
    session_id: z.string().nullable(),
    provider: z.string(),
    model: z.string(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    cost_usd: z.string(),
    latency_ms: z.number().int(),
    status: z.string(),
    guardrail_events: z.array(z.unknown()),
    created_at: z.string(),
  })
  .openapi("AuditedRequest");

const route = taggedRoute("audit");

const listRoute = route({
  method: "get",
  path: "/v1/audit",
  summary: "Control-plane changes, newest first (tenant admins: their tenant only)",
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(z.object({ data: z.array(AuditEntryView) }), "Audit entries"), ...commonErrors },
});
const verifyRoute = route({
  method: "get",
  path: "/v1/audit/verify",
  summary: "Walk a tenant's hash chain and name the first entry that does not verify",
  request: { query: VerifyQuery },
  responses: { 200: jsonResponse(VerifyView, "Verification report"), ...commonErrors },
});
const requestsRoute = route({
  method: "get",
  path: "/v1/audit/requests",
  summary: "AI requests as metadata (usage-ledger rows; content is never stored)",
  request: { query: RequestsQuery },
  responses: { 200: jsonResponse(z.object({ data: z.array(RequestView) }), "Requests, newest first"), ...commonErrors },
});

/** Audit trail read API: query, verify, and the per-request metadata of the usage ledger. */
export function auditRoutes() {
  const app = controlRouter();

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const entries = await listAuditEntries(database(c.env), {
      tenantId: scopedTenant(c.get("actor"), q.tenant_id),
      ...timeRange(q.from, q.to),
      actorId: q.actor,
      action: q.action,
      target: q.target,
      projectId: q.project_id,
      limit: q.limit,
      offset: q.offset,
    });
    return c.json({ data: entries.map(entryView) }, 200);
  });

  app.openapi(verifyRoute, async (c) => {
    const { tenant_id } = c.req.valid("query");
    const tenantId = scopedTenant(c.get("actor"), tenant_id);
    if (tenantId === undefined)
      throw new GatewayError("invalid_request", "tenant_id is required for the operator.", { param: "tenant_id" });
    return c.json({ tenant_id: tenantId, ...(await verifyTenantChain(database(c.env), tenantId)) }, 200);
  });

  app.openapi(requestsRoute, async (c) => {
    const q = c.req.valid("query");
    const rows = await listRequests(database(c.env), {
      tenantId: scopedTenant(c.get("actor"), q.tenant_id),
      ...timeRange(q.from, q.to),
      projectId: q.project_id,
      userId: q.user_id,
      sessionId: q.session_id,
      model: q.model,
      status: q.status,
      requestId: q.request_id,
      limit: q.limit,
      offset: q.offset,
    });
    const data = rows.map((row) => ({
      request_id: row.requestId,
      tenant_id: row.tenantId,
      project_id: row.projectId,
      cost_center: row.costCenter,
      user_id: row.userId,
      session_id: row.sessionId,
      provider: row.provider,
      model: row.model,
      prompt_tokens: row.promptTokens,
      completion_tokens: row.completionTokens,
      cost_usd: microToUsd(row.costMicroUsd),
      latency_ms: row.latencyMs,
      status: row.status,
      guardrail_events: parseEvents(row.guardrailEvents),
      created_at: new Date(row.createdAt).toISOString(),
    }));
    return c.json({ data }, 200);
  });

  return app;
}

/**
 * Tenant admins read their own tenant only: naming another gets the 404 a missing tenant gets (no existence
 * leak), and omitting it means their own. The operator may name any chain, `_global` included.
 */
function scopedTenant(actor: Actor, requested: string | undefined): string | undefined {
  if (actor.kind === "operator") return requested;
  if (requested !== undefined && requested !== actor.tenantId)
    throw new GatewayError("not_found", "No such tenant.", { param: "tenant_id" });
  return actor.tenantId;
}

function timeRange(from: string | undefined, to: string | undefined): { from?: number; to?: number } {
  const range = {
    from: from === undefined ? undefined : Date.parse(from),
    to: to === undefined ? undefined : Date.parse(to),
  };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new GatewayError("invalid_request", "'from' must not be after 'to'.", { param: "from" });
  }
  return range;
}

function entryView(entry: AuditEntry) {
  return {
    id: entry.id,
    tenant_id: entry.tenant_id,
    seq: entry.seq,
    actor: { id: entry.actor_id, role: entry.actor_role },
    action: entry.action,
    target: entry.target,
    before: entry.before === null ? null : parseStored(entry.before),
    after: entry.after === null ? null : parseStored(entry.after),
    created_at: new Date(entry.created_at).toISOString(),
    prev_hash: entry.prev_hash,
    hash: entry.hash,
  };
}

/** A tampered row may hold text that is not JSON; the listing still answers with the raw text (verify names the row). */
function parseStored(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseEvents(text: string): unknown[] {
  const parsed = parseStored(text);
  return Array.isArray(parsed) ? parsed : [];
}
