import { z } from "@hono/zod-openapi";
import { apiKeyLookupIndex, apiKeyPrefix, generateApiKey } from "../auth/api-key-format";
import { hashSecret } from "../auth/argon2";
import { auditTarget, recordAudit } from "../audit/writer";
import {
  findApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  type ApiKeyRow,
  type NewApiKey,
} from "../db/api-keys";
import { database } from "../db/client";
import { newId } from "../db/ids";
import type { ProjectRow } from "../db/projects";
import { GatewayError } from "../errors";
import { projectGate } from "../limits/gate-client";
import { controlRouter } from "./openapi-app";
import { visibleProject } from "./projects";
import { commonErrors, IdParam, jsonBody, jsonResponse, taggedRoute } from "./schemas";

const Role = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);

const ApiKeyView = z
  .object({
    id: z.string(),
    project_id: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    prefix: z.string(),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    replaced_by: z.string().nullable(),
  })
  .openapi("ApiKey");
const CreatedApiKey = ApiKeyView.extend({ key: z.string().describe("Plaintext; shown only in this response") }).openapi(
  "CreatedApiKey",
);

const CreateApiKey = z.object({ name: z.string().min(1).max(100).optional(), role: Role.default("user") }).strict();
const KeyParams = IdParam.extend({ keyId: z.string().min(1).max(64) });

const route = taggedRoute("api keys");

const createKey = route({
  method: "post",
  path: "/v1/projects/{id}/keys",
  summary: "Create an API key; the plaintext is returned once",
  request: { params: IdParam, ...jsonBody(CreateApiKey) },
  responses: { 201: jsonResponse(CreatedApiKey, "Created"), ...commonErrors },
});
const listKeys = route({
  method: "get",
  path: "/v1/projects/{id}/keys",
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ data: z.array(ApiKeyView) }), "Keys, prefixes only"), ...commonErrors },
});
const rotateKey = route({
  method: "post",
  path: "/v1/projects/{id}/keys/{keyId}/rotate",
  summary: "Atomically revoke a key and issue its successor",
  request: { params: KeyParams },
  responses: { 201: jsonResponse(CreatedApiKey, "The successor"), ...commonErrors },
});
const revokeKey = route({
  method: "delete",
  path: "/v1/projects/{id}/keys/{keyId}",
  summary: "Revoke a key (irreversible); tokens minted from it stop at once",
  request: { params: KeyParams },
  responses: { 200: jsonResponse(ApiKeyView, "Revoked"), ...commonErrors },
});

export function apiKeyRoutes() {
  const app = controlRouter();

  app.openapi(createKey, async (c) => {
    const project = await activeProject(c.env, c.get("actor"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const { row, plaintext } = await newKeyRow(project, body.name ?? null, body.role);
    await insertApiKey(database(c.env), row);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "api_key.create",
      target: auditTarget(["project", project.id], ["api_key", row.id]),
      after: keyView(row),
    });
    return c.json({ ...keyView(row), key: plaintext }, 201);
  });

  app.openapi(listKeys, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    return c.json({ data: (await listApiKeys(database(c.env), project.id)).map(keyView) }, 200);
  });

  app.openapi(rotateKey, async (c) => {
    const { id, keyId } = c.req.valid("param");
    const project = await activeProject(c.env, c.get("actor"), id);
    const old = await findApiKey(database(c.env), project.id, keyId);
    if (!old) throw new GatewayError("not_found", "No such API key.");
    const { row, plaintext } = await newKeyRow(project, old.name, old.role);
    if (!(await rotateApiKey(database(c.env), old, row, Date.now()))) {
      throw new GatewayError("conflict", "This key is already revoked; create a new one instead.");
    }
    await projectGate(c.env, project.id).revokeKeys([old.id]);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "api_key.rotate",
      target: auditTarget(["project", project.id], ["api_key", old.id]),
      before: keyView(old),
      after: { revoked: keyView({ ...old, revokedAt: Date.now(), replacedBy: row.id }), successor: keyView(row) },
    });
    return c.json({ ...keyView(row), key: plaintext }, 201);
  });

  app.openapi(revokeKey, async (c) => {
    const { id, keyId } = c.req.valid("param");
    const project = await visibleProject(c.env, c.get("actor"), id);
    const revoked = await revokeApiKey(database(c.env), project.id, keyId, Date.now());
    if (!revoked) {
      const existing = await findApiKey(database(c.env), project.id, keyId);
      if (!existing) throw new GatewayError("not_found", "No such API key.");
      return c.json(keyView(existing), 200); // already revoked: revocation is idempotent
    }
    await projectGate(c.env, project.id).revokeKeys([revoked.id]);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "api_key.revoke",
      target: auditTarget(["project", project.id], ["api_key", revoked.id]),
      before: keyView({ ...revoked, revokedAt: null }),
      after: keyView(revoked),
    });
    return c.json(keyView(revoked), 200);
  });

  return app;
}

async function activeProject(
  env: Env,
  actor: Parameters<typeof visibleProject>[1],
  projectId: string,
): Promise<ProjectRow> {
  const project = await visibleProject(env, actor, projectId);
  if (project.status === "suspended")
    throw new GatewayError("project_suspended", "The project is suspended; resume it first.");
  return project;
}

async function newKeyRow(
  project: ProjectRow,
  name: string | null,
  role: string,
): Promise<{ row: NewApiKey; plaintext: string }> {
  const plaintext = generateApiKey();
  const row: NewApiKey = {
    id: newId("key"),
    tenantId: project.tenantId,
    projectId: project.id,
    name,
    role,
    lookupIndex: await apiKeyLookupIndex(plaintext),
    hash: await hashSecret(plaintext),
    prefix: apiKeyPrefix(plaintext),
    createdAt: Date.now(),
  };
  return { row, plaintext };
}

function keyView(row: ApiKeyRow | NewApiKey) {
  return {
    id: row.id,
    project_id: row.projectId,
    name: row.name ?? null,
    role: row.role,
    prefix: row.prefix,
    created_at: new Date(row.createdAt).toISOString(),
    revoked_at: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
    replaced_by: row.replacedBy ?? null,
  };
}
