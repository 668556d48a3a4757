import { Hono } from "hono";
import { database } from "../db/client";
import { findProject, projectSettings } from "../db/projects";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { handleError } from "../http/error-handler";
import { requestId } from "../http/request-id";
import { requestPipeline } from "./pipeline";

/** The data plane on project hostnames: OpenAI-compatible endpoints behind the SPEC pipeline. */
export function dataPlaneApp() {
  const app = new Hono<DataPlaneEnv>();
  app.use("*", requestId());
  app.onError(handleError);
  app.notFound(() => {
    throw new GatewayError("not_found", "No such endpoint.");
  });
  app.use("*", ...requestPipeline());

  app.get("/v1/models", async (c) => {
    const settings = projectSettings(await findProject(database(c.env), c.var.project.id));
    const ids = [...new Set([settings.provider_model, ...settings.fallback_models, ...(settings.model_allowlist ?? [])])];
    return c.json({ object: "list", data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: id.split("/")[0] })) });
  });
  return app;
}
