import { controlPlaneApp } from "./control-plane/app";
import { dataPlaneApp } from "./data-plane/app";
import { type GatewayConfig, hostDomains, loadConfig } from "./env";
import { GatewayError, renderError } from "./errors";
import { scheduledRetention } from "./retention/scheduled";
import { rewriteDevPath } from "./routing/dev-path";
import { routeHost } from "./routing/host";

export { ProjectGate } from "../durable-objects/project-gate";
export { ConversationMemory } from "../durable-objects/conversation-memory";
export { StoredResponses } from "../durable-objects/stored-responses";
export { BudgetPool } from "../durable-objects/budget-pool";
export { IpLimiter } from "../durable-objects/ip-limiter";

const controlPlane = controlPlaneApp();
const dataPlane = dataPlaneApp();

/** Worker entry: the Host header alone picks the plane (SPEC); everything else happens inside the two apps. */
export default {
  async fetch(request, env, ctx): Promise<Response> {
    let config: GatewayConfig;
    try {
      config = loadConfig(env);
    } catch (err) {
      return plainError(err);
    }
    const served: Request = (config.DEV_PATH_ROUTING && devPathRequest(request, config)) || request;
    const route = routeHost(served.headers.get("Host") ?? new URL(served.url).host, hostDomains(config));
    if (route.plane === "unknown")
      return plainError(new GatewayError("project_not_found", "No project is served at this hostname."));
    if (route.plane === "control" || servedByControlPlane(new URL(served.url).pathname))
      return controlPlane.fetch(served, env, ctx);
    return dataPlane.fetch(served, env, ctx);
  },
  /** Cron trigger: the retention sweep (src/retention/). */
  async scheduled(controller, env): Promise<void> {
    await scheduledRetention(controller, env);
  },
} satisfies ExportedHandler<Env>;

/** `/p/{slug}/…` on the API host, re-addressed to the project's hostname (development only, see dev-path.ts). */
function devPathRequest(request: Request, config: GatewayConfig): Request | undefined {
  const route = routeHost(request.headers.get("Host") ?? new URL(request.url).host, hostDomains(config));
  if (route.plane !== "control") return undefined;
  return rewriteDevPath(request, config.LOCAL_PROJECT_DOMAIN ?? "localhost");
}

/** Token minting and the JWKS answer on project hostnames too, so a customer backend can use either host. */
function servedByControlPlane(pathname: string): boolean {
  return pathname === "/auth/v1/auth/mint" || pathname === "/.well-known/jwks.json";
}

function plainError(err: unknown): Response {
  const { status, body, headers } = renderError(err);
  return Response.json(body, { status, headers });
}
