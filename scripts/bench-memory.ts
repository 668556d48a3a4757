/**
 * Measures what conversation memory adds to a request: one `load` (10-pair window) plus one `append`, for
 * the embedded Durable Object store and for Redis through the REST bridge (@upstash/redis inside workerd,
 * bridge and redis-server on loopback). A bench Worker runs in Miniflare; each sample is the latency of a
 * request that does load+append minus the median of a request that does nothing, so the Worker dispatch
 * cost cancels out. Writes a Markdown table to docs/bench/memory.md (or --out).
 *
 * Usage: tsx scripts/bench-memory.ts [--requests 400] [--concurrency 16] [--out docs/bench/memory.md]
 */
import { Miniflare } from "miniflare";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundleWorkerSource } from "./lib/bundle-worker";
import { hasRedisServer, startRedisServer } from "./lib/redis-server";
import { startRedisBridge } from "./redis-bridge";

const HELP = `Benchmark the latency memory load+append adds (DO store and Redis via the bridge).

  --requests N      sequential samples per mode (default 400)
  --concurrency N   parallel requests in the concurrent round (default 16)
  --out PATH        Markdown report (default docs/bench/memory.md)
  --help            this text`;

const root = resolve(import.meta.dirname, "..");

/** The bench Worker: `/noop`, and `/memory?store=do|redis&uid=` doing what a chat request with memory does. */
const WORKER_SOURCE = `
import { createMemoryStore } from ${JSON.stringify(join(root, "src/memory/store.ts"))};
import { memoryKey } from ${JSON.stringify(join(root, "src/memory/key.ts"))};
export { ConversationMemory } from ${JSON.stringify(join(root, "durable-objects/conversation-memory.ts"))};
const turn = [
  { role: "user", content: "What is the capital of France? Please answer in one sentence." },
  { role: "assistant", content: "The capital of France is Paris, which is also its largest city." },
];
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/noop") return new Response("0");
    const redis = url.searchParams.get("store") === "redis";
    const store = createMemoryStore(redis ? env : { MEMORY: env.MEMORY }, { timeoutMs: 5000 });
    const key = memoryKey({ projectId: "bench", uid: url.searchParams.get("uid") ?? "u", session: "s" });
    const history = await store.load(key, { windowPairs: 10 });
    await store.append(key, turn, { windowPairs: 10, retentionDays: 30 });
    return new Response(String(history.length));
  },
};`;

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "400" },
      concurrency: { type: "string", default: "16" },
      out: { type: "string", default: join(root, "docs/bench/memory.md") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(HELP);
  if (!hasRedisServer()) throw new Error("redis-server is not installed (apt-get install -y redis-server)");
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);

  const redis = await startRedisServer();
  const token = "bench-token";
  const bridge = await startRedisBridge({ token, redisPort: redis.port });
  const persist = mkdtempSync(join(tmpdir(), "tollgate-bench-do-"));
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorkerSource(WORKER_SOURCE),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    durableObjects: { MEMORY: { className: "ConversationMemory", useSQLite: true } },
    durableObjectsPersist: persist,
    bindings: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: token },
  });
  const time = async (path: string): Promise<number> => {
    const started = performance.now();
    const res = await mf.dispatchFetch(`http://bench${path}`);
    await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return performance.now() - started;
  };

  try {
    const modes = { noop: "/noop", do: "/memory?store=do&uid=seq", redis: "/memory?store=redis&uid=seq" } as const;
    // Warm up: JIT, connections, and a full 10-pair window so every measured load returns 10 pairs.
    for (let i = 0; i < 30; i++) for (const path of Object.values(modes)) await time(path);

    const sequential: Record<keyof typeof modes, number[]> = { noop: [], do: [], redis: [] };
    for (let i = 0; i < requests; i++) {
      // Interleaved, so drift in machine load hits every mode alike.
      for (const mode of Object.keys(modes) as (keyof typeof modes)[]) sequential[mode].push(await time(modes[mode]));
    }
    const baseline = stats(sequential.noop).p50;

    const concurrent: Record<"do" | "redis", number[]> = { do: [], redis: [] };
    for (const store of ["do", "redis"] as const) {
      // One unmeasured round creates the objects/keys, so the figures are steady state like the sequential ones.
      await Promise.all(Array.from({ length: concurrency }, (_, i) => time(`/memory?store=${store}&uid=c${i}`)));
      for (let round = 0; round < Math.ceil(requests / concurrency); round++) {
        // Distinct sessions: concurrent users, not one session contended.
        const batch = Array.from({ length: concurrency }, (_, i) => time(`/memory?store=${store}&uid=c${i}`));
        concurrent[store].push(...(await Promise.all(batch)));
      }
    }

    const added = (samples: number[]) => stats(samples.map((s) => s - baseline));
    const row = (label: string, s: Stats) =>
      `| ${label} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.mean.toFixed(2)} |`;
    const report = [
      "# Conversation memory: added latency",
      "",
      "Generated by `npx tsx scripts/bench-memory.ts` — do not edit by hand.",
      "",
      `Machine: ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)},`,
      `1-minute load average ${loadavg()[0]!.toFixed(1)} at the end (other work on the box inflates the tails).`,
      "Durable Object storage is persisted to a local SQLite file, as `wrangler dev` does.",
      `Each sample: one request doing \`load\` (10-pair window, full) + \`append\` (one turn), minus the median of an`,
      `empty request to the same Worker (${baseline.toFixed(2)} ms). Miniflare/workerd locally; Redis is redis-server`,
      `behind scripts/redis-bridge.ts on loopback, so it shows client + protocol cost, not a network round trip to Upstash.`,
      "",
      `## Sequential (${requests} requests per store, interleaved)`,
      "",
      "| store | p50 ms | p95 ms | p99 ms | mean ms |",
      "|---|---|---|---|---|",
      row("Durable Object (embedded)", added(sequential.do)),
      row("Redis via @upstash/redis + bridge", added(sequential.redis)),
      "",
      `## Concurrent (${concurrency} sessions at once, ${concurrent.do.length} requests per store)`,
      "",
      "| store | p50 ms | p95 ms | p99 ms | mean ms |",
      "|---|---|---|---|---|",
      row("Durable Object (embedded)", added(concurrent.do)),
      row("Redis via @upstash/redis + bridge", added(concurrent.redis)),
      "",
      "In production add the network: a DO call from the Worker's colo to the object's (usually the same",
      "region, ~1-10 ms); a REST round trip to the Upstash region twice (load, then append): budget ~2× RTT.",
      "",
    ].join("\n");
    writeFileSync(values.out, report);
    console.log(report);
  } finally {
    await mf.dispose();
    await bridge.close();
    await redis.stop();
    rmSync(persist, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
