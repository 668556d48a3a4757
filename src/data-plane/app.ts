import { Hono } from "hono";
import { every } from "hono/combine";
import { database } from "../db/client";
import { findProject, projectSettings } from "../db/projects";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { handleError } from "../http/error-handler";
import { requestId } from "../http/request-id";
import { requestLog } from "../http/request-log";
import { catalogModels } from "../providers/registry";
import { chatCompletions } from "./chat-handler";
import { describeModelRoutes } from "./credentials";
import { clearMemory, readMemory } from "./memory-routes";
import { entryChecks, inferencePipeline } from "./pipeline";

/** The data plane on project hostnames: OpenAI-compatible endpoints behind the SPEC pipeline. */
export function dataPlaneApp() {
  const app = new Hono<DataPlaneEnv>();
  app.use("*", requestId());
  app.use("*", requestLog());
  app.onError(handleError);

  app.post("/v1/chat/completions", every(...inferencePipeline()), chatCompletions);
  app.get("/v1/models", every(...entryChecks()), async (c) => {
    const project = await findProject(database(c.env), c.var.project.id);
    const settings = projectSettings(project);
    const labels = new Map(catalogModels().map((model) => [model.id, model]));
    const ids = [...new Set([settings.provider_model, ...settings.fallback_models, ...(settings.model_allowlist ?? [])])];
    // Which provider, region and credential (BYOK scope + fingerprint, or "operator") each model will use.
    const routes = await describeModelRoutes(c.env, c.var.project.tenantId, project?.costCenter ?? null, ids);
    const data = ids.map((id) => ({
      id,
      object: "model" as const,
      created: 0,
      owned_by: id.split("/")[0]!,
      ...(labels.get(id)?.mock && { mock: true, label: labels.get(id)!.label }),
      ...(routes.get(id) && { provider: routes.get(id)!.provider, region: routes.get(id)!.region, credential: routes.get(id)!.credential }),
    }));
    return c.json({ object: "list", data });
  });
  app.get("/v1/memory/:session", every(...entryChecks()), readMemory);
  app.delete("/v1/memory/:session", every(...entryChecks()), clearMemory);
  app.on(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "*", every(...entryChecks().slice(0, 3)), () => {
    throw new GatewayError("not_found", "No such endpoint.");
  });
  return app;
}
