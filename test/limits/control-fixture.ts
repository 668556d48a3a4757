import { env } from "cloudflare:test";
import { Hono } from "hono";
import { handleError } from "../../src/http/error-handler";
import type { Actor, ControlPlaneEnv } from "../../src/http/app-env";
import { budgetRoutes } from "../../src/control-plane/budgets";
import { killSwitchRoutes } from "../../src/control-plane/killswitches";
import { usageRoutes } from "../../src/control-plane/usage";

/** A control-plane app with the actor set by a header, standing in for the real auth middleware. */
export function testApp() {
  const app = new Hono<ControlPlaneEnv>();
  app.onError(handleError);
  app.use("*", async (c, next) => {
    const who = c.req.header("x-test-actor") ?? "operator";
    const actor: Actor =
      who === "operator"
        ? { kind: "operator", id: "operator" }
        : { kind: "tenant_admin", id: `adm_${who}`, tenantId: who };
    c.set("actor", actor);
    c.set("requestId", "req_test");
    await next();
  });
  app.route("/", usageRoutes());
  app.route("/", killSwitchRoutes());
  app.route("/", budgetRoutes());
  return {
    request(path: string, init: RequestInit & { as?: string } = {}) {
      const headers = new Headers(init.headers);
      headers.set("x-test-actor", init.as ?? "operator");
      if (init.body) headers.set("content-type", "application/json");
      return app.request(`https://api.localhost${path}`, { ...init, headers }, env);
    },
  };
}

export async function seedTenant(tenantId: string): Promise<void> {
  await env.DB.prepare(`INSERT INTO tenants (id, name, plan, created_at) VALUES (?, ?, 'pro', ?)`)
    .bind(tenantId, tenantId, Date.now())
    .run();
}

export async function seedProject(
  tenantId: string,
  projectId: string,
  costCenter: string | null = null,
  settings: object = {},
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO projects (id, tenant_id, name, slug, cost_center, status, dns_status, settings, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'active', 'READY', ?, ?, ?)`,
  )
    .bind(
      projectId,
      tenantId,
      projectId,
      `slug-${projectId}`,
      costCenter,
      JSON.stringify(settings),
      Date.now(),
      Date.now(),
    )
    .run();
}

export const uid = (prefix: string) => `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
