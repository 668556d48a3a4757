import type { ProjectRow } from "../db/projects";
import { projectSettings } from "../db/projects";
import { catalogModels } from "../providers/registry";
import { describeModelRoutes } from "./credentials";

/**
 * The models a project may use (its model, fallbacks and allowlist), each with the provider, region and
 * credential it will be called with. Served by `GET /v1/models` on the project host (`audience: "end_user"`)
 * and by `GET /v1/projects/:id/models` for the dashboard (`"admin"`). End users hold only a JWT: which
 * key pays, its fingerprint and its cost-center scope are the tenant's business, not theirs.
 */
export async function projectModels(
  env: Env,
  project: Pick<ProjectRow, "tenantId" | "costCenter" | "settings">,
  audience: "end_user" | "admin",
) {
  const settings = projectSettings(project);
  const labels = new Map(catalogModels().map((model) => [model.id, model]));
  const ids = [...new Set([settings.provider_model, ...settings.fallback_models, ...(settings.model_allowlist ?? [])])];
  const routes = await describeModelRoutes(env, project.tenantId, project.costCenter, ids);
  return ids.map((id) => {
    const route = routes.get(id);
    const label = labels.get(id);
    return {
      id,
      object: "model" as const,
      created: 0,
      owned_by: id.split("/", 1)[0] ?? id,
      ...(label?.mock && { mock: true, label: label.label }),
      ...(route && { provider: route.provider, region: route.region }),
      ...(route && audience === "admin" && { credential: route.credential }),
    };
  });
}
