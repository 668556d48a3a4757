import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { readMigrations } from "../lib/migrations";
import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "../../src/secrets/generate";
import { descendantsNamed } from "./process-cpu";

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
  /** The workerd process serving it (its CPU time is the target's); undefined where /proc is not readable. */
  pid?: number;
}

export interface Gateway extends RunningWorker {
  operatorToken: string;
  /** Bytes the gateway wrote to stdout (its request log lines), drained rather than printed. */
  logBytes(): number;
}

/** Bundles src/index.ts into `outdir` (index.js + wasm modules) with wrangler's own build. */
export function bundleGateway(outdir: string): string {
  const wrangler = join(ROOT, "node_modules/.bin/wrangler");
  const result = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stderr || result.stdout}`);
  return join(outdir, "index.js");
}

/** workerd processes already attributed to a started Worker; the targets start one after another. */
const claimedPids = new Set<number>();

async function listening(mf: Miniflare): Promise<RunningWorker> {
  const url = await mf.ready;
  const pid = descendantsNamed("workerd").find((candidate) => !claimedPids.has(candidate));
  if (pid !== undefined) claimedPids.add(pid);
  return { url: url.origin.replace("localhost", "127.0.0.1"), port: Number(url.port), mf, pid };
}

/** Counts what a workerd wrote to stdout (request log lines) instead of echoing it through this process. */
function drainStdout(counter: { bytes: number }) {
  return (stdout: Readable, stderr: Readable) => {
    stdout.on("data", (chunk: Buffer) => (counter.bytes += chunk.length));
    stderr.pipe(process.stderr);
  };
}

/** A small forwarding Worker from this folder, `env.UPSTREAM` set to the mock upstream's origin. */
async function startForwardingWorker(
  script: string,
  upstreamOrigin: string,
  storage: { durableObjects?: Record<string, { className: string; useSQLite: boolean }>; d1Persist?: string } = {},
): Promise<RunningWorker> {
  const mf = new Miniflare({
    handleRuntimeStdio: drainStdout({ bytes: 0 }),
    modules: true,
    scriptPath: join(import.meta.dirname, script),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: { UPSTREAM: upstreamOrigin },
    durableObjects: storage.durableObjects,
    ...(storage.d1Persist && { d1Databases: { DB: "bench-floor" }, d1Persist: storage.d1Persist }),
    host: "127.0.0.1",
    port: 0,
  });
  return listening(mf);
}

/** `passthrough-worker.js`: forwards, nothing else — the runtime's floor. */
export function startPassthrough(upstreamOrigin: string): Promise<RunningWorker> {
  return startForwardingWorker("passthrough-worker.js", upstreamOrigin);
}

/** `admission-floor-worker.js`: the bare Worker plus one admitting Durable Object call (the design's floor). */
export function startAdmissionFloor(upstreamOrigin: string): Promise<RunningWorker> {
  return startForwardingWorker("admission-floor-worker.js", upstreamOrigin, {
    durableObjects: { GATE: { className: "Gate", useSQLite: true } },
  });
}

const DESIGN_FLOOR_LEDGER =
  "CREATE TABLE ledger (request_id TEXT PRIMARY KEY, tokens INTEGER NOT NULL, at INTEGER NOT NULL)";

/**
 * `design-floor-worker.js`: the least any implementation of the SPEC and architecture does per request. Its D1
 * (the usage ledger) lives in `stateDir`, next to the gateway's.
 */
export async function startDesignFloor(upstreamOrigin: string, stateDir: string): Promise<RunningWorker> {
  const worker = await startForwardingWorker("design-floor-worker.js", upstreamOrigin, {
    durableObjects: { GATE: { className: "Gate", useSQLite: true } },
    d1Persist: join(stateDir, "design-floor-d1"),
  });
  await (await worker.mf.getD1Database("DB")).prepare(DESIGN_FLOOR_LEDGER).run();
  return worker;
}

/**
 * Starts the bundled gateway with fresh secrets, local D1 (migrated) and SQLite-backed Durable Objects
 * kept in `stateDir`. `IP_RPM_LIMIT` is lifted: every request comes
 * from one loopback address and the per-IP window would otherwise be the thing measured.
 */
export async function startGateway(
  scriptPath: string,
  stateDir: string,
  options: { inspectorPort?: number; bindings?: Record<string, string>; redis?: { url: string; token: string } } = {},
): Promise<Gateway> {
  const operatorToken = generateOperatorToken();
  const written = { bytes: 0 };
  const mf = new Miniflare({
    // The gateway writes one JSON line per request (as in production, where Workers Logs collects them). The
    // harness drains them instead of echoing thousands of lines through this process, which also runs the
    // load generator; stderr (errors) still reaches the console.
    handleRuntimeStdio: drainStdout(written),
    modules: true,
    modulesRules: WASM_RULES,
    // Module names are paths relative to this root; the bundle's wasm imports are siblings of index.js.
    modulesRoot: dirname(scriptPath),
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    d1Databases: { DB: "tollgate-bench" },
    // Always persisted to `stateDir`: Miniflare's "not persisted" is SQLite files in a temporary directory on
    // disk, fsync included. The caller picks a memory-backed directory (tmpfs) or a disk one (--persist-disk).
    d1Persist: join(stateDir, "d1"),
    durableObjects: {
      PROJECT_GATE: { className: "ProjectGate", useSQLite: true },
      MEMORY: { className: "ConversationMemory", useSQLite: true },
      BUDGET_POOL: { className: "BudgetPool", useSQLite: true },
      IP_LIMITER: { className: "IpLimiter", useSQLite: true },
    },
    durableObjectsPersist: join(stateDir, "do"),
    bindings: {
      API_HOST: "localhost",
      PROJECT_DOMAIN: "tollgate.example",
      DEV_PROJECT_DOMAIN: "dev.tollgate.example",
      LOCAL_PROJECT_DOMAIN: "localhost",
      JWT_ISSUER: "https://api.tollgate.local",
      JWT_AUDIENCE: "tollgate",
      IP_RPM_LIMIT: "1000000",
      // The BYOK key points at the mock upstream on loopback, as wrangler.toml allows locally.
      BYOK_ALLOW_PRIVATE_BASE_URL: "true",
      OPERATOR_TOKEN: operatorToken,
      JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
      BYOK_MASTER_KEYS: generateMasterKey(1),
      ...options.bindings,
      // --redis: memory and the per-IP limit (@upstash/ratelimit) on a local redis-server through the REST bridge.
      ...(options.redis && {
        UPSTASH_REDIS_REST_URL: options.redis.url,
        UPSTASH_REDIS_REST_TOKEN: options.redis.token,
      }),
    },
    host: "127.0.0.1",
    port: 0,
    inspectorPort: options.inspectorPort,
  });
  const db = await mf.getD1Database("DB");
  for (const migration of readMigrations(join(ROOT, "schema/migrations"))) {
    for (const statement of migration.statements) await db.prepare(statement).run();
  }
  return { ...(await listening(mf)), operatorToken, logBytes: () => written.bytes };
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

/** A fresh directory under `base` (the OS temporary directory unless given), removed by `remove()`. */
export function tempDir(prefix: string, base = tmpdir()): { path: string; remove(): void } {
  const path = mkdtempSync(join(base, prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
