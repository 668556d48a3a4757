/**
 * `npm run deploy`: production deploy in three checked steps — the required secrets exist, the D1
 * migrations are applied remotely, then `wrangler deploy`. `--dry-run` only builds the bundle offline
 * and checks its size budget (CI runs it). Operator guide: docs/deployment.md.
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { buildBundle, BUNDLE_BUDGET_BYTES, DEFAULT_OUTDIR, measureBundle } from "./bundle-size";
import { applyLibsqlMigrations } from "./lib/migrations";

export const REQUIRED_SECRETS = ["JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS", "OPERATOR_TOKEN"] as const;
export type RequiredSecret = (typeof REQUIRED_SECRETS)[number];

/** Values the operator must replace in wrangler.toml before a real deploy (docs/deployment.md, step 2). */
const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";
const PLACEHOLDER_DOMAIN = /(^|\.)tollgate\.example$/;

/**
 * The parts of a resolved wrangler environment that deploy and its tests read. Wrangler's own `Config` type
 * does not resolve outside its package, so the boundary is a zod schema rather than an `any`.
 */
const WranglerEnvConfig = z.object({
  name: z.string().optional(),
  compatibility_date: z.string(),
  compatibility_flags: z.array(z.string()),
  routes: z
    .array(z.union([z.string(), z.object({ pattern: z.string(), zone_name: z.string().optional() })]))
    .optional(),
  vars: z.record(z.string(), z.unknown()),
  d1_databases: z.array(
    z.object({ binding: z.string(), database_id: z.string().optional(), migrations_dir: z.string().optional() }),
  ),
  durable_objects: z.object({ bindings: z.array(z.object({ name: z.string(), class_name: z.string() })) }),
  migrations: z.array(z.object({ tag: z.string(), new_sqlite_classes: z.array(z.string()).optional() })),
  triggers: z.object({ crons: z.array(z.string()).optional() }),
  minify: z.boolean().optional(),
});
export type WranglerEnvConfig = z.infer<typeof WranglerEnvConfig>;
export type DeployConfig = Pick<WranglerEnvConfig, "routes" | "vars" | "d1_databases">;

/** wrangler.toml resolved for one environment (undefined: the top-level local default), as wrangler reads it. */
export async function readWranglerConfig(env?: string, configPath = "wrangler.toml"): Promise<WranglerEnvConfig> {
  // Loaded lazily: it pulls in all of wrangler, which the dry run does not need.
  const { unstable_readConfig } = await import("wrangler");
  return WranglerEnvConfig.parse(unstable_readConfig({ config: configPath, env }, { hideWarnings: true }));
}

/**
 * `wrangler secret list --format json` prints `[{ "name": …, "type": "secret_text" }, …]`. Returns the
 * names, or null when the output is not that shape (a wrangler change must fail loudly, not pass).
 */
export function parseSecretList(stdout: string): string[] | null {
  const start = stdout.indexOf("[");
  if (start === -1) return null;
  try {
    const parsed: unknown = JSON.parse(stdout.slice(start));
    if (!Array.isArray(parsed)) return null;
    const names = parsed.map((entry: unknown) => (entry as { name?: unknown } | null)?.name);
    return names.every((name): name is string => typeof name === "string") ? names : null;
  } catch {
    return null;
  }
}

export function missingSecrets(present: readonly string[]): RequiredSecret[] {
  return REQUIRED_SECRETS.filter((name) => !present.includes(name));
}

/** Generates the value and pipes it straight into wrangler, so it never lands in a file or the shell history. */
export function secretPutCommand(name: RequiredSecret, env: string): string {
  return `npx tsx scripts/generate-secrets.ts --print ${name} | npx wrangler secret put ${name} --env ${env}`;
}

/** Placeholders still in the resolved config: deploying them would bind a dummy database or foreign domains. */
export function placeholderProblems(config: DeployConfig): string[] {
  const problems: string[] = [];
  for (const db of config.d1_databases) {
    if (!db.database_id || db.database_id === PLACEHOLDER_DATABASE_ID) {
      problems.push(
        `d1_databases ${db.binding}: set database_id to the id printed by \`npx wrangler d1 create tollgate\``,
      );
    }
  }
  for (const name of ["API_HOST", "PROJECT_DOMAIN", "DEV_PROJECT_DOMAIN", "JWT_ISSUER"]) {
    const value = config.vars[name];
    if (
      typeof value === "string" &&
      hostOf(value)
        .split(",")
        .some((host) => PLACEHOLDER_DOMAIN.test(host.trim()))
    ) {
      problems.push(`vars.${name} still uses the placeholder domain tollgate.example`);
    }
  }
  // `/p/{slug}/…` routing is a loopback convenience for `npm run dev`; deployed projects are routed by Host alone.
  if (config.vars.DEV_PATH_ROUTING !== undefined && config.vars.DEV_PATH_ROUTING !== "false")
    problems.push("vars.DEV_PATH_ROUTING is for local development only; remove it");
  for (const route of config.routes ?? []) {
    const pattern = typeof route === "string" ? route : route.pattern;
    if (PLACEHOLDER_DOMAIN.test(pattern.split("/")[0]!))
      problems.push(`route ${pattern} still uses the placeholder domain`);
  }
  return problems;
}

function hostOf(value: string): string {
  return value.replace(/^https?:\/\//, "").split("/")[0]!;
}

const HELP = `Usage: npm run deploy [-- options]

Deploys Tollgate to Cloudflare (docs/deployment.md):
  1. checks wrangler.toml holds no placeholder (database_id, tollgate.example domains)
  2. checks the secrets ${REQUIRED_SECRETS.join(", ")} exist
     (wrangler secret list); prints the command that creates each missing one
  3. applies the D1 migrations remotely (wrangler d1 migrations apply DB --remote),
     or, when LIBSQL_URL (and LIBSQL_AUTH_TOKEN) are set in this shell, to that libSQL/Turso database
  4. wrangler deploy

  --dry-run        build the bundle offline (wrangler deploy --dry-run), check the
                   ${BUNDLE_BUDGET_BYTES / 1024 / 1024} MiB gzipped budget; no account or network needed
  --env NAME       wrangler environment (default: production)
  --outdir DIR     dry-run output directory (default: ${DEFAULT_OUTDIR})
  -h, --help       this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "dry-run": { type: "boolean", default: false },
      env: { type: "string", default: "production" },
      outdir: { type: "string", default: DEFAULT_OUTDIR },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  if (values["dry-run"]) return dryRun(values.outdir, values.env);
  return deploy(values.env);
}

function dryRun(outdir: string, env: string): void {
  const build = buildBundle(outdir, env);
  if (!build.ok) fail(`the dry-run build failed:\n${build.output}`);
  const report = measureBundle(outdir);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(
    `deploy --dry-run: bundle in ${outdir}: ${kib(report.totalGzipBytes)} gzipped (budget ${kib(report.budgetBytes)})`,
  );
  if (!report.withinBudget)
    fail("the bundle is over its size budget; see npm run bundle:size for the largest dependencies");
  console.log("deploy --dry-run: ok (nothing was uploaded)");
}

async function deploy(env: string): Promise<void> {
  const config = await readWranglerConfig(env);
  const problems = placeholderProblems(config);
  if (problems.length > 0)
    fail(`replace the placeholders in wrangler.toml [env.${env}] first:\n  - ${problems.join("\n  - ")}`);

  step(`checking secrets of ${config.name ?? "the Worker"} (${env})`);
  const list = wrangler(["secret", "list", "--env", env, "--format", "json"], { capture: true });
  // A Worker that was never deployed has no secrets yet; `wrangler secret put` creates it.
  const present = list.status === 0 ? parseSecretList(list.stdout) : /not found/i.test(list.stderr) ? [] : null;
  if (present === null)
    fail(`could not list the secrets (is wrangler logged in? \`npx wrangler login\`):\n${list.stderr}`);
  const missing = missingSecrets(present);
  if (missing.length > 0) {
    const commands = missing.map((name) => `  ${secretPutCommand(name, env)}`).join("\n");
    fail(
      `missing secret(s) ${missing.join(", ")}. Create each with:\n${commands}\nKeep JWT_SIGNING_KEYS and BYOK_MASTER_KEYS in your password manager as well: rotation starts from them.`,
    );
  }

  const libsqlUrl = process.env.LIBSQL_URL;
  if (libsqlUrl) {
    // The Worker reads LIBSQL_URL as a secret; the same value in this shell points the migrations at Turso.
    step("applying migrations to libSQL (LIBSQL_URL)");
    const { createClient } = await import("@libsql/client");
    const applied = await applyLibsqlMigrations(
      createClient({ url: libsqlUrl, authToken: process.env.LIBSQL_AUTH_TOKEN }),
    );
    console.log(`applied: ${applied.join(", ") || "nothing new"}`);
  } else {
    step("applying D1 migrations (remote)");
    if (wrangler(["d1", "migrations", "apply", "DB", "--remote", "--env", env]).status !== 0)
      fail("D1 migrations failed; nothing was deployed");
  }

  step("deploying");
  if (wrangler(["deploy", "--env", env]).status !== 0) fail("wrangler deploy failed");
  console.log(`\ndeploy: done. Check it: curl https://${String(config.vars.API_HOST).split(",")[0]}/healthz`);
}

function wrangler(
  args: string[],
  options: { capture?: boolean } = {},
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync("npx", ["wrangler", ...args], {
    encoding: "utf8",
    // CI=true answers wrangler's confirmation prompts (the migrations one) with their defaults.
    env: { ...process.env, CI: "true" },
    stdio: options.capture ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

function step(message: string): void {
  console.log(`\n▸ ${message}`);
}

function fail(message: string): never {
  console.error(`deploy: ${message}`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
}
