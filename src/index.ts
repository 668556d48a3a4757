import { controlPlaneApp } from "./control-plane/app";
import { dataPlaneApp } from "./data-plane/app";
import { type GatewayConfig, hostDomains, loadConfig } from "./env";
import { GatewayError, renderError } from "./errors";
import { scheduledRetention } from "./retention/scheduled";
import { routeHost } from "./routing/host";

export { ProjectGate } from "../durable-objects/project-gate";
export { ConversationMemory } from "../durable-objects/conversation-memory";
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
    const route = routeHost(request.headers.get("Host") ?? new URL(request.url).host, hostDomains(config));
    if (route.plane === "unknown")
      return plainError(new GatewayError("project_not_found", "No project is served at this hostname."));
    if (route.plane === "control" || servedByControlPlane(new URL(request.url).pathname))
      return controlPlane.fetch(request, env, ctx);
    return dataPlane.fetch(request, env, ctx);
  },
  /** Cron trigger: the retention sweep (src/retention/). */
  async scheduled(controller, env): Promise<void> {
    await scheduledRetention(controller, env);
  },
} satisfies ExportedHandler<Env>;

/** Token minting and the JWKS answer on project hostnames too, so a customer backend can use either host. */
function servedByControlPlane(pathname: string): boolean {
  return pathname === "/auth/v1/auth/mint" || pathname === "/.well-known/jwks.json";
}

function plainError(err: unknown): Response {
  const { status, body, headers } = renderError(err);
  return Response.json(body, { status, headers });
}
