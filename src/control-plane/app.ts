import { loadConfig } from "../env";
import { loadSigningKeys } from "../auth/signing-keys";
import { capRequestBody } from "../http/body-limit";
import { handleError } from "../http/error-handler";
import { requestId } from "../http/request-id";
import { authenticateActor } from "./actor";
import { adminByokRoutes } from "./admin-byok";
import { adminCredentialRoutes } from "./admin-credentials";
import { apiKeyRoutes } from "./api-keys";
import { auditRoutes } from "./audit";
import { budgetDocs, budgetRoutes } from "./budgets";
import { dashboardRoutes } from "./dashboard";
import { byokRoutes } from "./byok";
import { killSwitchDocs, killSwitchRoutes } from "./killswitches";
import { usageDocs, usageRoutes } from "./usage";
import { mintRoutes } from "./mint";
import { dataPlaneDocs } from "./data-plane-docs";
import { docsPage, docsScript, docsStyle } from "./docs-page";
import { controlRouter } from "./openapi-app";
import { projectRoutes } from "./projects";
import { tenantRoutes } from "./tenants";
import { tierRoutes } from "./tiers";
import { GatewayError } from "../errors";

/**
 * Control-plane bodies are settings, keys and names: the largest valid one (a full settings object with a 20,000
 * character system prompt and 200 blocklist entries) is far below this. Read, under the cap, before authentication.
 */
export const MAX_CONTROL_BODY_BYTES = 1024 * 1024;

/** The control plane on the API host: tenants, projects, keys, tiers, mint, JWKS, OpenAPI. */
export function controlPlaneApp() {
  const app = controlRouter();
  app.use("*", requestId());
  app.use("*", capRequestBody(MAX_CONTROL_BODY_BYTES));
  app.onError(handleError);
  app.notFound(() => {
    throw new GatewayError("not_found", "No such endpoint.");
  });

  app.get("/.well-known/jwks.json", async (c) => {
    const keys = await loadSigningKeys(loadConfig(c.env).JWT_SIGNING_KEYS);
    c.header("Cache-Control", "public, max-age=300");
    return c.json(keys.jwks);
  });
  app.route("/", mintRoutes());

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Tollgate API: control plane and data plane", version: "1" },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/docs", docsPage);
  app.get("/docs/reference.js", docsScript);
  app.get("/docs/reference.css", docsStyle);
  app.get("/healthz", (c) => c.json({ ok: true }));

  app.route("/", dashboardRoutes());

  for (const prefix of ["/v1/*", "/auth/v1/tenants/*", "/auth/v1/projects/*"]) app.use(prefix, authenticateActor());
  app.route("/", tenantRoutes());
  app.route("/", adminCredentialRoutes());
  app.route("/", projectRoutes());
  app.route("/", apiKeyRoutes());
  app.route("/", tierRoutes());
  app.route("/", byokRoutes());
  app.route("/", adminByokRoutes());
  app.route("/", killSwitchRoutes());
  app.route("/", usageRoutes());
  app.route("/", budgetRoutes());
  app.route("/", auditRoutes());
  // These three route sets validate by hand (plain Hono handlers); their OpenAPI description is registered here.
  for (const route of [...killSwitchDocs, ...usageDocs, ...budgetDocs]) app.openAPIRegistry.registerPath(route);
  // Served on project hostnames by the data-plane app; described here so one document covers the API.
  for (const route of dataPlaneDocs) app.openAPIRegistry.registerPath(route);
  return app;
}
