import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort } from "./workers";

/**
 * Portkey's open-source gateway (`@portkey-ai/gateway`, the npm build, run with Node as its README says) as a
 * bench target beside Tollgate: another open gateway in the same interleaved run, pointed at the same mock
 * upstream through its `x-portkey-custom-host` header. It runs in its own Node process, whose pid gives its CPU
 * per request like a workerd's.
 */
export interface RunningPortkey {
  port: number;
  pid: number | undefined;
  /** Headers that route a request through it to the mock upstream. */
  headers(upstreamBaseUrl: string, upstreamKey: string): Record<string, string>;
  close(): Promise<void>;
}

const STARTUP_MS = 30_000;

function serverScript(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@portkey-ai/gateway/package.json")), "build/start-server.js");
}

async function waitUntilListening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Portkey's gateway exited with code ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Portkey's gateway did not listen on :${port} within ${STARTUP_MS} ms`);
}

export async function startPortkey(): Promise<RunningPortkey> {
  const port = await freePort();
  const preload = join(import.meta.dirname, "portkey-preload.mjs");
  const child = spawn(process.execPath, ["--import", preload, serverScript(), `--port=${port}`, "--headless"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitUntilListening(port, child);
  return {
    port,
    pid: child.pid,
    headers: (upstreamBaseUrl, upstreamKey) => ({
      Authorization: `Bearer ${upstreamKey}`,
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": upstreamBaseUrl,
    }),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
