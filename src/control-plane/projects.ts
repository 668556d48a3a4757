import { z } from "@hono/zod-openapi";
import { auditTarget, recordAudit } from "../audit/writer";
import { database } from "../db/client";
import { newId } from "../db/ids";
import { isUniqueViolation } from "../db/unique-violation";
import {
  projectSettings,
  findTenantProject,
  insertProjectWithinPlan,
  listProjects,
  resumeProjectWithinPlan,
  updateProject,
  type ProjectRow,
} from "../db/projects";
import { revokeProjectKeys } from "../db/api-keys";
import { projectModels } from "../data-plane/model-list";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { Actor } from "../http/app-env";
import { completeSettings, ProjectSettingsPatch, type ProjectSettings } from "../settings/schema";
import { tenantScope } from "./actor";
import { syncProjectGate } from "./gate-sync";
import { controlRouter } from "./openapi-app";
import { projectHostnames, provisionHostnames } from "./provisioning";
import { commonErrors, IdParam, jsonBody, jsonResponse, taggedRoute } from "./schemas";
import { validateSettingsPatch } from "./settings-validation";
import { generateSlug } from "./slug";
import { visibleTenant } from "./tenants";

const ProjectView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    slug: z.string(),
    cost_center: z.string().nullable(),
    status: z.enum(["active", "suspended"]),
    dns_status: z.enum(["PENDING", "READY", "FAILED"]),
    hostnames: z.object({ production: z.string(), development: z.string(), local: z.string() }),
    created_at: z.string(),
  })
  .openapi("Project");

const CostCenter = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w .:/-]+$/, "letters, digits, space and _ . : / -");

const CreateProject = z
  .object({
    name: z.string().min(1).max(200),
    tenant_id: z.string().optional().describe("Required for the operator; a tenant admin creates in its own tenant"),
    cost_center: CostCenter.optional(),
    settings: ProjectSettingsPatch.optional(),
  })
  .strict();

const UpdateProject = z
  .object({ name: z.string().min(1).max(200).optional(), cost_center: CostCenter.nullable().optional() })
  .strict();

const SettingsView = z.record(z.string(), z.unknown()).openapi("ProjectSettings");

const route = taggedRoute("projects");

const createProject = route({
  method: "post",
  path: "/v1/projects",
  summary: "Create a project with a generated slug",
  request: jsonBody(CreateProject),
  responses: { 201: jsonResponse(ProjectView, "Created"), ...commonErrors },
});
const listProjectsRoute = route({
  method: "get",
  path: "/v1/projects",
  responses: { 200: jsonResponse(z.object({ data: z.array(ProjectView) }), "Projects"), ...commonErrors },
});
const getProject = route({
  method: "get",
  path: "/v1/projects/{id}",
  request: { params: IdParam },
  responses: { 200: jsonResponse(ProjectView, "The project"), ...commonErrors },
});
const patchProject = route({
  method: "patch",
  path: "/v1/projects/{id}",
  request: { params: IdParam, ...jsonBody(UpdateProject) },
  responses: { 200: jsonResponse(ProjectView, "Updated"), ...commonErrors },
});
const getSettings = route({
  method: "get",
  path: "/v1/projects/{id}/settings",
  request: { params: IdParam },
  responses: { 200: jsonResponse(SettingsView, "Effective settings with defaults"), ...commonErrors },
});
const patchSettings = route({
  method: "patch",
  path: "/v1/projects/{id}/settings",
  summary: "Change some settings; the rest keep their values",
  request: { params: IdParam, ...jsonBody(ProjectSettingsPatch) },
  responses: { 200: jsonResponse(SettingsView, "Updated settings"), ...commonErrors },
});
const lifecycle = (action: "suspend" | "resume" | "provisioning/retry", summary: string) =>
  route({
    method: "post",
    path: `/v1/projects/{id}/${action}`,
    summary,
    request: { params: IdParam },
    responses: { 200: jsonResponse(ProjectView, "The project"), ...commonErrors },
  });

const ModelRoute = z
  .object({
    id: z.string(),
    provider: z.string().optional(),
    region: z.string().nullable().optional(),
    credential: z.record(z.string(), z.unknown()).optional(),
    mock: z.boolean().optional(),
  })
  .openapi("ModelRoute");
const listModels = route({
  method: "get",
  path: "/v1/projects/{id}/models",
  summary: "The project's models with the provider, region and credential each will use",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ data: z.array(ModelRoute) }), "Models and their routing"),
    ...commonErrors,
  },
});

const SelectModel = z
  .object({ model: z.string().min(3).max(200).describe("provider/model, e.g. openai/gpt-4o-mini") })
  .strict();
const selectModel = route({
  method: "put",
  path: "/auth/v1/projects/{id}/settings/model",
  summary: "Pick the project's model (must be in its allowlist)",
  request: { params: IdParam, ...jsonBody(SelectModel) },
  responses: { 200: jsonResponse(SettingsView, "Updated settings"), ...commonErrors },
});

export function projectRoutes() {
  const app = controlRouter();

  app.openapi(createProject, async (c) => {
    const body = c.req.valid("json");
    const tenantId = tenantScope(c.get("actor")) ?? body.tenant_id;
    if (!tenantId)
      throw new GatewayError("invalid_request", "tenant_id is required for the operator.", { param: "tenant_id" });
    if (body.tenant_id && body.tenant_id !== tenantId) throw new GatewayError("not_found", "No such tenant.");
    await visibleTenant(c.env, c.get("actor"), tenantId);
    const settings = completeSettings(await validateSettingsPatch(body.settings ?? {}, undefined));
    const project = await createWithUniqueSlug(c.env, {
      tenantId,
      name: body.name,
      costCenter: body.cost_center ?? null,
      settings,
    });
    const config = loadConfig(c.env);
    const dnsStatus = provisionHostnames(projectHostnames(config, project.slug));
    const provisioned = (await updateProject(database(c.env), project.id, { dnsStatus })) ?? project;
    // The first call creates the gate, so this is where its location hint counts (docs/scale.md).
    await syncProjectGate(c.env, project.id, { locationHint: settings.gate_location_hint ?? undefined });
    await recordAudit(c, {
      tenantId,
      action: "project.create",
      target: auditTarget(["project", project.id]),
      after: { ...projectView(c.env, provisioned), settings },
    });
    return c.json(projectView(c.env, provisioned), 201);
  });

  app.openapi(listProjectsRoute, async (c) => {
    const rows = await listProjects(database(c.env), tenantScope(c.get("actor")));
    return c.json({ data: rows.map((row) => projectView(c.env, row)) }, 200);
  });

  app.openapi(getProject, async (c) =>
    c.json(projectView(c.env, await visibleProject(c.env, c.get("actor"), c.req.valid("param").id)), 200),
  );

  app.openapi(patchProject, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const updated = await updateProject(database(c.env), project.id, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.cost_center !== undefined && { costCenter: body.cost_center }),
      updatedAt: Date.now(),
    });
    await syncProjectGate(c.env, project.id);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.update",
      target: auditTarget(["project", project.id]),
      before: projectView(c.env, project),
      after: projectView(c.env, updated ?? project),
    });
    return c.json(projectView(c.env, updated ?? project), 200);
  });

  app.openapi(getSettings, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    return c.json(storedSettings(project), 200);
  });

  app.openapi(patchSettings, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    const next = await applySettings(c.env, project, c.req.valid("json"));
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.settings.update",
      target: auditTarget(["project", project.id], ["settings", "project"]),
      before: storedSettings(project),
      after: next,
    });
    return c.json(next, 200);
  });

  app.openapi(listModels, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    return c.json({ data: await projectModels(c.env, project, "admin") }, 200);
  });

  app.openapi(selectModel, async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    const { model } = c.req.valid("json");
    const allowlist = storedSettings(project).model_allowlist;
    if (allowlist && !allowlist.includes(model)) {
      throw new GatewayError("model_not_allowed", `Model '${model}' is not in this project's allowlist.`, {
        param: "model",
      });
    }
    const next = await applySettings(c.env, project, { provider_model: model });
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.model.select",
      target: auditTarget(["project", project.id], ["settings", "provider_model"]),
      before: { provider_model: storedSettings(project).provider_model },
      after: { provider_model: next.provider_model },
    });
    return c.json(next, 200);
  });

  app.openapi(lifecycle("suspend", "Suspend: revoke every key and admit nothing"), async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    const now = Date.now();
    await revokeProjectKeys(database(c.env), project.id, now);
    const updated = await updateProject(database(c.env), project.id, { status: "suspended", updatedAt: now });
    await syncProjectGate(c.env, project.id);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.suspend",
      target: auditTarget(["project", project.id]),
      before: { status: project.status },
      after: { status: "suspended", keys_revoked: true },
    });
    return c.json(projectView(c.env, updated ?? project), 200);
  });

  app.openapi(lifecycle("resume", "Resume a suspended project (plan limits apply; keys stay revoked)"), async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    if (project.status === "active") return c.json(projectView(c.env, project), 200);
    if (!(await resumeProjectWithinPlan(database(c.env), project.id, Date.now()))) {
      throw new GatewayError("plan_limit_reached", "The free plan allows at most 3 active projects.");
    }
    await syncProjectGate(c.env, project.id);
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.resume",
      target: auditTarget(["project", project.id]),
      before: { status: project.status },
      after: { status: "active" },
    });
    return c.json(projectView(c.env, await visibleProject(c.env, c.get("actor"), project.id)), 200);
  });

  app.openapi(lifecycle("provisioning/retry", "Retry hostname provisioning of a FAILED project"), async (c) => {
    const project = await visibleProject(c.env, c.get("actor"), c.req.valid("param").id);
    if (project.dnsStatus !== "FAILED")
      throw new GatewayError("conflict", `Provisioning is ${project.dnsStatus}; only FAILED can be retried.`);
    await updateProject(database(c.env), project.id, { dnsStatus: "PENDING", updatedAt: Date.now() });
    const dnsStatus = provisionHostnames(projectHostnames(loadConfig(c.env), project.slug));
    const updated = await updateProject(database(c.env), project.id, { dnsStatus, updatedAt: Date.now() });
    await recordAudit(c, {
      tenantId: project.tenantId,
      action: "project.provisioning.retry",
      target: auditTarget(["project", project.id]),
      before: { dns_status: project.dnsStatus },
      after: { dns_status: dnsStatus },
    });
    return c.json(projectView(c.env, updated ?? project), 200);
  });

  return app;
}

/** Another tenant's project reads exactly like a missing one: 404, no existence leak. */
export async function visibleProject(env: Env, actor: Actor, projectId: string): Promise<ProjectRow> {
  const project = await findTenantProject(database(env), tenantScope(actor), projectId);
  if (!project) throw new GatewayError("not_found", "No such project.");
  return project;
}

export const storedSettings = projectSettings;

async function applySettings(env: Env, project: ProjectRow, patch: ProjectSettingsPatch): Promise<ProjectSettings> {
  const current = storedSettings(project);
  const next = completeSettings({ ...current, ...(await validateSettingsPatch(patch, current)) });
  await updateProject(database(env), project.id, { settings: JSON.stringify(next), updatedAt: Date.now() });
  await syncProjectGate(env, project.id);
  return next;
}

const SLUG_ATTEMPTS = 8;

async function createWithUniqueSlug(
  env: Env,
  input: { tenantId: string; name: string; costCenter: string | null; settings: ProjectSettings },
): Promise<ProjectRow> {
  const now = Date.now();
  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
    const row = {
      id: newId("prj"),
      tenantId: input.tenantId,
      name: input.name,
      slug: generateSlug(),
      costCenter: input.costCenter,
      status: "active" as const,
      dnsStatus: "PENDING" as const,
      settings: JSON.stringify(input.settings),
      createdAt: now,
      updatedAt: now,
    };
    try {
      const created = await insertProjectWithinPlan(database(env), row);
      if (!created) throw new GatewayError("plan_limit_reached", "The free plan allows at most 3 active projects.");
      return created;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new GatewayError("conflict", "Could not find a free project slug; try again.");
}

export function projectView(env: Env, project: ProjectRow) {
  const config = loadConfig(env);
  return {
    id: project.id,
    tenant_id: project.tenantId,
    name: project.name,
    slug: project.slug,
    cost_center: project.costCenter,
    status: project.status,
    dns_status: project.dnsStatus,
    hostnames: { ...projectHostnames(config, project.slug), local: `${project.slug}.localhost:8787` },
    created_at: new Date(project.createdAt).toISOString(),
  };
}
