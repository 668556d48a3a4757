import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEV_VARS } from "../../../scripts/lib/dev-vars";
import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "../../../src/secrets/generate";

/** The repository root: wrangler.toml, src/ and the D1 migrations live there. */
const REPO = resolve(import.meta.dirname, "../../..");
const WRANGLER = join(REPO, "node_modules/.bin/wrangler");
const READY_TIMEOUT_MS = 90_000;

export interface GatewaySecrets {
  OPERATOR_TOKEN: string;
  JWT_SIGNING_KEYS: string;
  BYOK_MASTER_KEYS: string;
}

export interface RunningGateway {
  port: number;
  /** Control plane, on an API host (`127.0.0.1` is one). */
  apiUrl: string;
  secrets: GatewaySecrets;
  /** `--persist-to` directory: local D1, Durable Object storage. Deleted by `stop()`. */
  stateDir: string;
  /** Every line wrangler and the Worker wrote to stdout and stderr, in arrival order. */
  logs: string[];
  /** `http://{slug}.localhost:{port}{path}`: the hostname a client of the project calls. */
  projectUrl(slug: string, path?: string): string;
  /**
   * `http://127.0.0.1:{port}/p/{slug}`: the loopback form `npm run dev` prints for SDKs in Node, which cannot
   * resolve `*.localhost`. Served only when the gateway was started with `devPathRouting` (as `npm run dev` does).
   */
  projectBaseUrl(slug: string): string;
  /** Runs SQL against the gateway's local D1 with `wrangler d1 execute` and returns the rows. */
  queryD1(sql: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * Starts the real Worker with `wrangler dev` on a free port, offline, with fresh secrets and a fresh state
 * directory (D1 migrations applied first). Secrets go in through `--env-file`, which also stops wrangler
 * from reading the repository's `.dev.vars`, so a developer's own gateway state is never touched.
 */
export async function startGateway(
  options: { vars?: Record<string, string>; devPathRouting?: boolean } = {},
): Promise<RunningGateway> {
  const stateDir = mkdtempSync(join(tmpdir(), "tollgate-e2e-"));
  const secrets: GatewaySecrets = {
    OPERATOR_TOKEN: generateOperatorToken(),
    JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
    BYOK_MASTER_KEYS: generateMasterKey(1),
  };
  const envFile = join(stateDir, "secrets.env");
  // Single quotes: dotenv takes the JSON of JWT_SIGNING_KEYS literally.
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([name, value]) => `${name}='${value}'\n`)
      .join(""),
    { mode: 0o600 },
  );

  const childEnv = {
    ...process.env,
    CI: "true", // no interactive prompts
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: join(stateDir, "wrangler-logs"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  const persist = join(stateDir, "state");
  const config = join(REPO, "wrangler.toml");
  // Migrations run while wrangler dev boots: the D1 database is only opened by the first request that
  // needs it, and startGateway returns no earlier than both are done.
  const migrated = runWrangler(
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "--config", config],
    childEnv,
  );

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    "dev",
    "--config",
    config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
  ];
  args.push(
    "--persist-to",
    persist,
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    "--log-level",
    "log",
  );
  const vars = { ...options.vars, ...(options.devPathRouting ? DEV_VARS : {}) };
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  // Its own process group, so stop() reaches workerd too, by this group's id only.
  const child = spawn(WRANGLER, args, { cwd: REPO, env: childEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  captureLines(child, logs);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const apiUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup(child, "SIGKILL"); // workerd, should it outlive the wrangler process that started it
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const migration = await migrated;
    if (migration.code !== 0)
      throw new Error(`D1 migrations failed (${migration.code}):\n${migration.stdout}\n${migration.stderr}`);
    await Promise.race([
      waitForHealth(`${apiUrl}/healthz`),
      exited.then((code) => Promise.reject(new Error(`wrangler dev exited with ${code}`))),
    ]);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${logs.slice(-40).join("\n")}`);
  }

  return {
    port,
    apiUrl,
    secrets,
    stateDir,
    logs,
    projectUrl: (slug, path = "") => `http://${slug}.localhost:${port}${path}`,
    projectBaseUrl: (slug) => `${apiUrl}/p/${slug}`,
    queryD1: async (sql) => {
      const result = await runWrangler(
        ["d1", "execute", "DB", "--local", "--persist-to", persist, "--config", config, "--json", "--command", sql],
        childEnv,
      );
      if (result.code !== 0)
        throw new Error(`wrangler d1 execute failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
      return (JSON.parse(result.stdout) as { results: Record<string, unknown>[] }[]).flatMap(
        (statement) => statement.results,
      );
    },
    stop,
  };
}

/** Asynchronous on purpose: a blocked event loop would leave the test's keep-alive sockets to go stale. */
async function runWrangler(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(WRANGLER, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const code = await new Promise<number | null>((done) => child.once("close", done));
  return { code, stdout, stderr };
}

function captureLines(child: ChildProcess, logs: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (text: string) => {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      logs.push(...lines);
    });
    stream?.on("end", () => {
      if (pending) logs.push(pending);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A port the OS just handed out; wrangler binds it a moment later (a race we accept in tests). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`gateway did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}
