import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { readMigrations } from "../lib/migrations";
import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "../../src/secrets/generate";

/**
 * The two Workers under test, each in its own workerd started through Miniflare's API (no `wrangler dev`
 * proxy in front, so the figures are the runtime's and ours). The gateway runs the bundle `wrangler deploy
 * --dry-run` produces — the exact code that would ship — with the wrangler.toml bindings re-declared here.
 */
const ROOT = resolve(import.meta.dirname, "../..");
// Keep in step with wrangler.toml: a benchmark of a different runtime version would measure something else.
const COMPATIBILITY_DATE = "2026-04-01";
const COMPATIBILITY_FLAGS = ["nodejs_compat"];
const WASM_RULES = [{ type: "CompiledWasm" as const, include: ["**/*.wasm"] }];

export interface RunningWorker {
  /** `http://127.0.0.1:{port}` */
  url: string;
  port: number;
  mf: Miniflare;
}

export interface Gateway extends RunningWorker {
  operatorToken: string;
  /** Bytes the gateway wrote to stdout (its request log lines), drained rather than printed. */
  logBytes(): number;
}

/** Bundles src/index.ts into `outdir` (index.js + wasm modules) with wrangler's own build. */
export function bundleGateway(outdir: string): string {
  const wrangler = join(ROOT, "node_modules/.bin/wrangler");
  const result = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stderr || result.stdout}`);
  return join(outdir, "index.js");
}

async function listening(mf: Miniflare): Promise<RunningWorker> {
  const url = await mf.ready;
  return { url: url.origin.replace("localhost", "127.0.0.1"), port: Number(url.port), mf };
}

export async function startPassthrough(upstreamOrigin: string): Promise<RunningWorker> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(import.meta.dirname, "passthrough-worker.js"),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: { UPSTREAM: upstreamOrigin },
    host: "127.0.0.1",
    port: 0,
  });
  return listening(mf);
}

/**
 * Starts the bundled gateway with fresh secrets, local D1 (migrated) and SQLite-backed Durable Objects
 * persisted to `stateDir`, as `wrangler dev` keeps them. `IP_RPM_LIMIT` is lifted: every request comes
 * from one loopback address and the per-IP window would otherwise be the thing measured.
 */
export async function startGateway(scriptPath: string, stateDir: string, options: { inspectorPort?: number; persistToDisk?: boolean } = {}): Promise<Gateway> {
  const operatorToken = generateOperatorToken();
  let logBytes = 0;
  const mf = new Miniflare({
    // The gateway writes one JSON line per request (as in production, where Workers Logs collects them). The
    // harness drains them instead of echoing thousands of lines through this process, which also runs the
    // load generator; stderr (errors) still reaches the console.
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: Buffer) => (logBytes += chunk.length));
      stderr.pipe(process.stderr);
    },
    modules: true,
    modulesRules: WASM_RULES,
    // Module names are paths relative to this root; the bundle's wasm imports are siblings of index.js.
    modulesRoot: dirname(scriptPath),
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    d1Databases: { DB: "tollgate-bench" },
    // Memory by default (Miniflare's own default): production storage is a replicated service, not a file on
    // the Worker's machine, so a local disk is not part of what the gateway costs. --persist-disk keeps files
    // as wrangler dev does; on this machine the two measured within noise of each other.
    d1Persist: options.persistToDisk ? join(stateDir, "d1") : false,
    durableObjects: {
      PROJECT_GATE: { className: "ProjectGate", useSQLite: true },
      MEMORY: { className: "ConversationMemory", useSQLite: true },
      BUDGET_POOL: { className: "BudgetPool", useSQLite: true },
      IP_LIMITER: { className: "IpLimiter", useSQLite: true },
    },
    durableObjectsPersist: options.persistToDisk ? join(stateDir, "do") : false,
    bindings: {
      API_HOST: "localhost",
      PROJECT_DOMAIN: "tollgate.example",
      DEV_PROJECT_DOMAIN: "dev.tollgate.example",
      LOCAL_PROJECT_DOMAIN: "localhost",
      JWT_ISSUER: "https://api.tollgate.local",
      JWT_AUDIENCE: "tollgate",
      IP_RPM_LIMIT: "1000000",
      OPERATOR_TOKEN: operatorToken,
      JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
      BYOK_MASTER_KEYS: generateMasterKey(1),
    },
    host: "127.0.0.1",
    port: 0,
    inspectorPort: options.inspectorPort,
  });
  const db = await mf.getD1Database("DB");
  for (const migration of readMigrations(join(ROOT, "schema/migrations"))) {
    for (const statement of migration.statements) await db.prepare(statement).run();
  }
  return { ...(await listening(mf)), operatorToken, logBytes: () => logBytes };
}

/** A port free on 127.0.0.1 right now (for the inspector, which Miniflare does not pick itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
