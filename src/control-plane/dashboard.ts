import { Hono, type Context } from "hono";
import { hostDomains, loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { ControlPlaneEnv } from "../http/app-env";

/** Where the dashboard lives on the API host; the built files sit at the root of the ASSETS directory. */
export const DASHBOARD_PATH = "/dashboard";

/**
 * The tenant-admin dashboard: static files built into `dashboard/dist` and bound as `ASSETS`. The page is
 * public; every API call it makes carries the admin credential the user typed in. Mounted on the control
 * plane only, so a project hostname can never serve dashboard files (`run_worker_first` sends every request
 * through the Worker, and only this handler reads ASSETS).
 */
export function dashboardRoutes() {
  const app = new Hono<ControlPlaneEnv>();
  app.get(DASHBOARD_PATH, (c) => c.redirect(`${DASHBOARD_PATH}/`, 308));
  app.get(`${DASHBOARD_PATH}/*`, serveDashboardAsset);
  return app;
}

async function serveDashboardAsset(c: Context<ControlPlaneEnv>): Promise<Response> {
  if (!c.env.ASSETS) throw new GatewayError("not_found", "The dashboard is not bundled with this deployment.");
  const url = new URL(c.req.url);
  const assetPath = url.pathname.slice(DASHBOARD_PATH.length) || "/";
  const asset = await c.env.ASSETS.fetch(new Request(new URL(assetPath, url.origin), { method: "GET" }));
  if (asset.status === 404 && assetPath === "/") {
    throw new GatewayError("not_found", "The dashboard has not been built: run `npm run build:dashboard`.");
  }
  if (!asset.ok && asset.status !== 304) throw new GatewayError("not_found", "No such dashboard file.");
  const response = new Response(asset.body, asset);
  for (const [name, value] of Object.entries(securityHeaders(c.env))) response.headers.set(name, value);
  return response;
}

/**
 * The page handles an admin credential, so scripts may come from this origin only (an injected script could
 * read the credential from memory). `connect-src` adds the project hostnames for the try-it panel.
 */
export function securityHeaders(env: Env): Record<string, string> {
  const projectOrigins = hostDomains(loadConfig(env)).projectDomains.map((domain) =>
    domain === "localhost" ? "http://*.localhost:*" : `https://*.${domain}`,
  );
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${projectOrigins.join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
  };
}
