import { Hono } from "hono";
import { every } from "hono/combine";
import { database } from "../db/client";
import { findProject } from "../db/projects";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { handleError } from "../http/error-handler";
import { requestId } from "../http/request-id";
import { requestLog } from "../http/request-log";
import { cacheStatusHeader } from "./cache-step";
import { chatCompletions } from "./chat-handler";
import { createEmbeddings } from "./embeddings/handler";
import { projectModels } from "./model-list";
import { clearMemory, readMemory } from "./memory-routes";
import { createMessage } from "./messages/route";
import { entryChecks, inferencePipeline, routePipeline } from "./pipeline";
import { createResponse } from "./responses/route";
import { deleteResponse, readStoredResponse } from "./responses/stored-routes";

/** The data plane on project hostnames: OpenAI-compatible endpoints and Anthropic Messages behind the SPEC pipeline. */
export function dataPlaneApp() {
  const app = new Hono<DataPlaneEnv>();
  app.use("*", requestId());
  app.use("*", requestLog());
  app.onError(handleError);

  // Every inference answer says what the response cache did (docs/cache.md); routes the cache does not serve say BYPASS.
  for (const path of ["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/messages"])
    app.use(path, cacheStatusHeader());
  app.post("/v1/chat/completions", every(...inferencePipeline()), chatCompletions);
  app.post("/v1/responses", every(...inferencePipeline("responses")), createResponse);
  app.post("/v1/messages", every(...inferencePipeline("messages")), createMessage);
  app.post("/v1/embeddings", every(...inferencePipeline("embeddings")), createEmbeddings);
  app.get("/v1/responses/:id", every(...routePipeline()), readStoredResponse);
  app.delete("/v1/responses/:id", every(...routePipeline()), deleteResponse);
  app.get("/v1/models", every(...routePipeline()), async (c) => {
    const project = await findProject(database(c.env), c.get("project").id);
    const data = project ? await projectModels(c.env, project, "end_user") : [];
    return c.json({ object: "list", data });
  });
  app.get("/v1/memory/:session", every(...routePipeline()), readMemory);
  app.delete("/v1/memory/:session", every(...routePipeline()), clearMemory);
  app.on(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "*", every(...entryChecks().slice(0, 3)), () => {
    throw new GatewayError("not_found", "No such endpoint.");
  });
  return app;
}
