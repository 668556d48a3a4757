/**
 * `npm run dev`: the gateway on embedded defaults — local D1, Durable Objects, the mock provider — with no
 * accounts or keys needed. Creates .dev.vars secrets when missing, applies D1 migrations locally, starts
 * `wrangler dev`, seeds a demo tenant/project/key and prints copy-paste commands to call it.
 *
 *   tsx scripts/dev.ts [--port 8787] [--no-seed] [--redis] [--otel]
 *
 * With --redis, memory and the per-IP limit use a real local redis-server (Debian package) through the
 * Upstash REST bridge in scripts/redis-bridge.ts, exactly as production uses Upstash.
 * With --otel, a local OTLP/HTTP receiver takes the gateway's traces and metrics and prints each span
 * (docs/observability.md; to use a real collector instead, see there).
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { readDevVars } from "../src/secrets/dev-vars";
import { loopbackBaseUrl, sdkBanner } from "./lib/dev-banner";
import { devVarFlags } from "./lib/dev-vars";
import { describeSpan, startOtlpReceiver } from "./lib/otlp-receiver";
import { startRedisServer } from "./lib/redis-server";
import { startRedisBridge } from "./redis-bridge";
import { mintDemoToken, seedDemo } from "./seed";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "no-seed": { type: "boolean" },
    redis: { type: "boolean" },
    otel: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "Usage: npm run dev [-- --port 8787] [--no-seed] [--redis] [--otel]\nStarts the gateway locally on embedded defaults and seeds a demo project.\n--redis: use a local redis-server through the Upstash REST bridge for memory and the per-IP limit.\n--otel: export traces and metrics to a local OTLP receiver that prints every span it gets.",
  );
  process.exit(0);
}
const port = Number(values.port);
const base = `http://localhost:${port}`;

run("npx", ["tsx", "scripts/generate-secrets.ts", "--write-dev-vars"]);
run("npx", ["tsx", "dashboard/build.ts"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], { CI: "true" });

const redisVars = values.redis ? await startLocalRedis() : [];
const otelVars = values.otel ? await startLocalOtlpReceiver() : [];
const wrangler = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
    ...devVarFlags(),
    ...redisVars,
    ...otelVars,
  ],
  {
    stdio: ["ignore", "inherit", "inherit"],
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on("exit", (code) => process.exit(code ?? 0));

await waitForHealth(`${base}/healthz`);
if (!values["no-seed"]) {
  const operatorToken = readDevVars(readFileSync(".dev.vars", "utf8")).get("OPERATOR_TOKEN")!;
  const demo = await seedDemo(base, operatorToken);
  const projectBase = `http://${demo.slug}.localhost:${port}`;
  const demoToken = await mintDemoToken(base, demo.apiKey);
  console.log(`
──────────────────────────────────────────────────────────────────────────────
 Tollgate is running on ${base} (control plane) and ${projectBase} (demo project)
 Provider: mock (no network, no keys). Demo state: .wrangler/tollgate-demo.json

 1. Mint a JWT for an end user with the demo project's API key:

   TOKEN=$(curl -s -X POST ${base}/auth/v1/auth/mint \\
     -H "Authorization: Bearer ${demo.apiKey}" -H "Content-Type: application/json" \\
     -d '{"user_id":"alice"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')

 2. Call the chat completions endpoint on the project's hostname:

   curl -s ${projectBase}/v1/chat/completions \\
     -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
     -d '{"model":"mock/tollgate-mock","messages":[{"role":"user","content":"Hello!"}]}'

   Add "stream": true for server-sent events (curl -N).

${sdkBanner(loopbackBaseUrl(port, demo.slug), demoToken)}

 Tenant admin credential (control plane): ${demo.adminCredential}
 Dashboard: ${base}/dashboard/ (sign in with the tenant admin credential)
 API reference: ${base}/docs
──────────────────────────────────────────────────────────────────────────────
`);
}

/** redis-server + the Upstash REST bridge, both on loopback; returns the `--var` flags for wrangler dev. */
async function startLocalRedis(): Promise<string[]> {
  const redis = await startRedisServer();
  const token = randomBytes(16).toString("hex");
  const bridge = await startRedisBridge({ token, redisPort: redis.port });
  process.on("exit", () => void redis.stop());
  console.log(`Redis: redis-server on 127.0.0.1:${redis.port}, Upstash REST bridge on ${bridge.url}`);
  return ["--var", `UPSTASH_REDIS_REST_URL:${bridge.url}`, "--var", `UPSTASH_REDIS_REST_TOKEN:${token}`];
}

/** The OTLP receiver of scripts/lib/otlp-receiver.ts, printing one line per span; returns the `--var` flag. */
async function startLocalOtlpReceiver(): Promise<string[]> {
  const receiver = await startOtlpReceiver();
  receiver.onSpan = (span) => console.log(`[otel] ${describeSpan(span)}`);
  process.on("exit", () => void receiver.close());
  console.log(`OpenTelemetry: OTLP/HTTP receiver on ${receiver.endpoint}, printing every span it receives`);
  return ["--var", `OTEL_EXPORTER_OTLP_ENDPOINT:${receiver.endpoint}`];
}

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed`);
    process.exit(result.status ?? 1);
  }
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`gateway did not answer on ${url} within 120 s`);
}
