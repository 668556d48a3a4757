import { describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../scripts/deploy";
import { hostDomains, loadConfig } from "../../src/env";
import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "../../src/secrets/generate";

/**
 * wrangler.toml: the top level is the local default the tests run on, `[env.production]` what is deployed.
 * Wrangler does not inherit bindings or vars into an environment, so these checks keep the two in step.
 */
const local = await readWranglerConfig();
const production = await readWranglerConfig("production");

describe("wrangler.toml [env.production]", () => {
  it("binds every Durable Object the local default binds, to the same classes", () => {
    const byName = (config: typeof local) =>
      Object.fromEntries(config.durable_objects.bindings.map((b) => [b.name, b.class_name]));
    expect(Object.keys(byName(local)).length).toBeGreaterThanOrEqual(4);
    expect(byName(production)).toEqual(byName(local));
  });

  it("creates every bound Durable Object class through a SQLite migration", () => {
    const created = new Set(production.migrations.flatMap((m) => m.new_sqlite_classes ?? []));
    for (const binding of production.durable_objects.bindings)
      expect(created, binding.class_name).toContain(binding.class_name);
  });

  it("binds D1 as DB with the same migrations folder as local development", () => {
    expect(production.d1_databases.map((db) => [db.binding, db.migrations_dir])).toEqual(
      local.d1_databases.map((db) => [db.binding, db.migrations_dir]),
    );
  });

  it("never lets a deployed tenant point a BYOK base URL at loopback or private hosts", () => {
    expect(local.vars.BYOK_ALLOW_PRIVATE_BASE_URL).toBe("true");
    expect(production.vars).not.toHaveProperty("BYOK_ALLOW_PRIVATE_BASE_URL");
  });

  it("runs the runtime semantics the tests run: same compatibility date and flags", () => {
    expect(production.compatibility_date).toBe(local.compatibility_date);
    expect(production.compatibility_flags).toEqual(local.compatibility_flags);
    expect(production.compatibility_flags).toContain("nodejs_compat");
  });

  it("routes the API host and both wildcard project domains to the Worker", () => {
    const patterns = (production.routes ?? []).map((route) => (typeof route === "string" ? route : route.pattern));
    const { API_HOST, PROJECT_DOMAIN, DEV_PROJECT_DOMAIN } = production.vars;
    expect(patterns).toEqual(
      expect.arrayContaining([`${API_HOST}/*`, `*.${PROJECT_DOMAIN}/*`, `*.${DEV_PROJECT_DOMAIN}/*`]),
    );
  });

  it("never turns on dev-only path routing in checked-in vars", () => {
    expect(local.vars).not.toHaveProperty("DEV_PATH_ROUTING");
    expect(production.vars).not.toHaveProperty("DEV_PATH_ROUTING");
  });

  it("sweeps retention hourly and ships a minified bundle", () => {
    expect(production.triggers.crons).toEqual(["0 * * * *"]);
    expect(production.minify).toBe(true);
  });

  it("holds vars that pass the Worker's startup validation once the secrets are set", async () => {
    const env = {
      ...production.vars,
      OPERATOR_TOKEN: generateOperatorToken(),
      JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
      BYOK_MASTER_KEYS: generateMasterKey(1),
      DB: {},
      PROJECT_GATE: {},
      MEMORY: {},
      BUDGET_POOL: {},
      IP_LIMITER: {},
    };
    const config = loadConfig(env);
    // Path routing (`/p/{slug}/…`) is for `npm run dev` only; production routes by Host alone.
    expect(config.DEV_PATH_ROUTING).toBe(false);
    const domains = hostDomains(config);
    expect(domains.apiHosts).toContain(production.vars.API_HOST);
    expect(domains.projectDomains).toEqual(
      expect.arrayContaining([production.vars.PROJECT_DOMAIN, production.vars.DEV_PROJECT_DOMAIN]),
    );
  });
});
