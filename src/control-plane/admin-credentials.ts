import { z } from "@hono/zod-openapi";
import { auditTarget, recordAudit } from "../audit/writer";
import {
  countLiveAdminCredentials,
  findAdminCredential,
  insertAdminCredential,
  listAdminCredentials,
  revokeAdminCredential,
  rotateAdminCredential,
  type AdminCredentialRow,
  type NewAdminCredential,
} from "../db/admin-credentials";
import { database } from "../db/client";
import { GatewayError } from "../errors";
import type { Actor } from "../http/app-env";
import { newAdminCredentialRow } from "./actor";
import { controlRouter } from "./openapi-app";
import { commonErrors, ErrorBody, IdParam, jsonResponse, taggedRoute } from "./schemas";
import { visibleTenant } from "./tenants";

/** More live credentials than this per tenant is a leak waiting to happen, not an overlap: 409. */
export const MAX_LIVE_ADMIN_CREDENTIALS = 5;

const AdminCredentialView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    prefix: z.string(),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    current: z.boolean().describe("Whether this is the credential the call was made with"),
  })
  .openapi("AdminCredential");
const CreatedAdminCredential = AdminCredentialView.extend({
  admin_credential: z.string().describe("Plaintext; shown only in this response"),
}).openapi("CreatedAdminCredential");
const CredentialParams = IdParam.extend({ credentialId: z.string().min(1).max(64) });

const route = taggedRoute("admin credentials");
const conflict = jsonResponse(ErrorBody, "Conflict: already revoked, the last live one, or too many live");
const base = "/v1/tenants/{id}/admin-credentials";

const listRoute = route({
  method: "get",
  path: base,
  summary: "The tenant's admin credentials, prefixes only",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ data: z.array(AdminCredentialView) }), "Credentials"),
    ...commonErrors,
  },
});
const createRoute = route({
  method: "post",
  path: base,
  summary: "Issue an additional admin credential (the overlap for a hand-over); the plaintext is returned once",
  request: { params: IdParam },
  responses: { 201: jsonResponse(CreatedAdminCredential, "Created"), 409: conflict, ...commonErrors },
});
const rotateRoute = route({
  method: "post",
  path: `${base}/{credentialId}/rotate`,
  summary: "Revoke a credential and issue its successor atomically; the old secret fails on the next call",
  request: { params: CredentialParams },
  responses: { 201: jsonResponse(CreatedAdminCredential, "The successor"), 409: conflict, ...commonErrors },
});
const revokeRoute = route({
  method: "delete",
  path: `${base}/{credentialId}`,
  summary: "Revoke a credential (irreversible), effective on the next call; a tenant admin cannot revoke its last one",
  request: { params: CredentialParams },
  responses: { 200: jsonResponse(AdminCredentialView, "Revoked"), 409: conflict, ...commonErrors },
});

/**
 * Tenant admin credentials (`tg_admin_…`): list, issue, rotate, revoke. The operator may act on any tenant;
 * a tenant admin only on its own (another tenant's reads as 404). Every call authenticates by reading the
 * credential's row (actor.ts), so a revocation or rotation holds for the very next call.
 */
export function adminCredentialRoutes() {
  const app = controlRouter();

  app.openapi(listRoute, async (c) => {
    const tenant = await visibleTenant(c.env, c.get("actor"), c.req.valid("param").id);
    const rows = await listAdminCredentials(database(c.env), tenant.id);
    return c.json({ data: rows.map((row) => credentialView(row, c.get("actor"))) }, 200);
  });

  app.openapi(createRoute, async (c) => {
    const tenant = await visibleTenant(c.env, c.get("actor"), c.req.valid("param").id);
    const db = database(c.env);
    if ((await countLiveAdminCredentials(db, tenant.id)) >= MAX_LIVE_ADMIN_CREDENTIALS)
      throw new GatewayError("conflict", `At most ${MAX_LIVE_ADMIN_CREDENTIALS} live admin credentials; revoke one.`);
    const { row, plaintext } = await newAdminCredentialRow(tenant.id);
    await insertAdminCredential(db, row);
    const view = credentialView(row, c.get("actor"));
    await recordAudit(c, {
      tenantId: tenant.id,
      action: "admin_credential.create",
      target: targetOf(row),
      after: view,
    });
    return c.json({ ...view, admin_credential: plaintext }, 201);
  });

  app.openapi(rotateRoute, async (c) => {
    const { id, credentialId } = c.req.valid("param");
    const tenant = await visibleTenant(c.env, c.get("actor"), id);
    const db = database(c.env);
    const old = await findAdminCredential(db, tenant.id, credentialId);
    if (!old) throw new GatewayError("not_found", "No such admin credential.");
    const { row, plaintext } = await newAdminCredentialRow(tenant.id);
    const now = Date.now();
    if (!(await rotateAdminCredential(db, tenant.id, old.id, row, now)))
      throw new GatewayError("conflict", "This credential is already revoked; issue a new one instead.");
    const actor = c.get("actor");
    await recordAudit(c, {
      tenantId: tenant.id,
      action: "admin_credential.rotate",
      target: targetOf(old),
      before: credentialView(old, actor),
      after: { revoked: credentialView({ ...old, revokedAt: now }, actor), successor: credentialView(row, actor) },
    });
    return c.json({ ...credentialView(row, actor), admin_credential: plaintext }, 201);
  });

  app.openapi(revokeRoute, async (c) => {
    const { id, credentialId } = c.req.valid("param");
    const actor = c.get("actor");
    const tenant = await visibleTenant(c.env, actor, id);
    const db = database(c.env);
    // A tenant admin revoking its last credential would lock the tenant out; only the operator may do that.
    const keepOne = actor.kind === "tenant_admin";
    const revoked = await revokeAdminCredential(db, tenant.id, credentialId, Date.now(), { keepOne });
    if (!revoked) {
      const existing = await findAdminCredential(db, tenant.id, credentialId);
      if (!existing) throw new GatewayError("not_found", "No such admin credential.");
      if (existing.revokedAt !== null) return c.json(credentialView(existing, actor), 200); // idempotent
      throw new GatewayError("conflict", "This is the tenant's last live admin credential; rotate it instead.");
    }
    await recordAudit(c, {
      tenantId: tenant.id,
      action: "admin_credential.revoke",
      target: targetOf(revoked),
      before: credentialView({ ...revoked, revokedAt: null }, actor),
      after: credentialView(revoked, actor),
    });
    return c.json(credentialView(revoked, actor), 200);
  });

  return app;
}

function targetOf(row: Pick<AdminCredentialRow, "tenantId" | "id">): string {
  return auditTarget(["tenant", row.tenantId], ["admin_credential", row.id]);
}

function credentialView(row: AdminCredentialRow | NewAdminCredential, actor: Actor) {
  return {
    id: row.id,
    tenant_id: row.tenantId,
    prefix: row.prefix,
    created_at: new Date(row.createdAt).toISOString(),
    revoked_at: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
    current: actor.kind === "tenant_admin" && actor.id === row.id,
  };
}
