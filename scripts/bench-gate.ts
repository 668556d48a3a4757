/**
 * Measures the per-object throughput of the admission Durable Objects on this machine: one ProjectGate taking
 * admit+settle pairs (the hot path: two RPCs per chat request), admit alone, the same with a shared BudgetPool
 * behind the gate (DO-to-DO), and several gates side by side (how throughput scales with projects). A bench
 * Worker runs in Miniflare with SQLite-backed objects persisted to disk, like `wrangler dev`. Writes a
 * Markdown report to docs/bench/gate.md (or --out).
 *
 * Usage: tsx scripts/bench-gate.ts [--seconds 5] [--concurrency 64] [--out docs/bench/gate.md]
 */
import { Miniflare } from "miniflare";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundleWorkerSource } from "./lib/bundle-worker";

const HELP = `Benchmark ProjectGate / BudgetPool throughput per object.

  --seconds N       duration of each scenario (default 5)
  --concurrency N   requests in flight (default 64)
  --operations N    operations per in-Worker scenario (default 5000)
  --storage disk|memory  objects' SQLite on disk like wrangler dev (default) or in memory (isolates fsync cost)
  --out PATH        Markdown report (default docs/bench/gate.md)
  --help            this text`;

const root = resolve(import.meta.dirname, "..");

/** `/configure?p=&pool=0|1`, `/noop`, `/status?p=` (read-only RPC), `/admit?p=`, `/cycle?p=` (admit + settle). */
const WORKER_SOURCE = `
import { SETTING_DEFAULTS } from ${JSON.stringify(join(root, "src/settings/schema.ts"))};
export { ProjectGate } from ${JSON.stringify(join(root, "durable-objects/project-gate.ts"))};
export { BudgetPool } from ${JSON.stringify(join(root, "durable-objects/budget-pool.ts"))};
let seq = 0;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const p = url.searchParams.get("p") ?? "p0";
    const gate = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(p));
    if (url.pathname === "/configure") {
      const pool = url.searchParams.get("pool") === "1";
      await gate.configure({
        projectId: p, tenantId: "t", costCenter: pool ? "eng" : null, status: "active",
        settings: { ...SETTING_DEFAULTS, rpm_limit: 10000, user_rpm_fraction: 0, project_tokens_per_day: 10000000000, tokens_per_day: 1000000000 },
        tiers: {}, killSwitches: { global: false, tenant: false, project: false }, revokedKeyIds: [],
        sharedBudgets: pool ? [{ id: "b", scope: "cost_center", scopeId: "eng", period: "month", limitMicroUsd: 1e15 }] : [],
      });
      return new Response("ok");
    }
    if (url.pathname === "/burst") {
      // The loop runs inside workerd, so the figure is the objects' throughput, not Node→Miniflare dispatch.
      const mode = url.searchParams.get("mode");
      const n = Number(url.searchParams.get("n"));
      const c = Number(url.searchParams.get("c"));
      const gates = (url.searchParams.get("gates") ?? p).split(",").map((name) => env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(name)));
      let next = 0;
      let refused = 0;
      const started = Date.now();
      await Promise.all(Array.from({ length: c }, async () => {
        while (next < n) {
          const i = next++;
          const g = gates[i % gates.length];
          if (mode === "status") { await g.budgetStatus(); continue; }
          if (mode === "write") { await g.setKillSwitch("project", false); continue; }
          const requestId = "b" + (++seq) + "-" + Math.random();
          const d = await g.admit({ requestId, userId: "u" + (i % 100), provider: "mock", model: null, estimatedPromptTokens: 50, maxTokens: 50,
            priceMicroUsdPerMillion: { input: 1000000, output: 2000000 } });
          if (!d.ok) { refused++; continue; }
          if (mode === "cycle") await g.settle({ requestId, promptTokens: 50, completionTokens: 20, costMicroUsd: 90, status: "ok",
            latencyMs: 1, model: "mock/m", provider: "mock", guardrailEvents: [] });
        }
      }));
      return Response.json({ n, ms: Date.now() - started, refused });
    }
    if (url.pathname === "/noop") return new Response("ok");
    if (url.pathname === "/status") { await gate.budgetStatus(); return new Response("ok"); }
    const requestId = "r" + (++seq) + "-" + Math.random();
    const decision = await gate.admit({
      requestId, userId: "u" + (seq % 100), provider: "mock", model: null, estimatedPromptTokens: 50, maxTokens: 50,
      priceMicroUsdPerMillion: { input: 1000000, output: 2000000 },
    });
    if (!decision.ok) return new Response(decision.reason, { status: 429 });
    if (url.pathname === "/cycle") {
      await gate.settle({ requestId, promptTokens: 50, completionTokens: 20, costMicroUsd: 90, status: "ok", latencyMs: 1,
        model: "mock/m", provider: "mock", guardrailEvents: [] });
    }
    return new Response("ok");
  },
};`;

interface Result {
  label: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  refused: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "64" },
      operations: { type: "string", default: "5000" },
      storage: { type: "string", default: "disk" },
      out: { type: "string", default: join(root, "docs/bench/gate.md") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const operations = Number(values.operations);
  const persist = mkdtempSync(join(tmpdir(), "tollgate-bench-gate-do-"));
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorkerSource(WORKER_SOURCE),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    durableObjects: {
      PROJECT_GATE: { className: "ProjectGate", useSQLite: true },
      BUDGET_POOL: { className: "BudgetPool", useSQLite: true },
    },
    durableObjectsPersist: values.storage === "memory" ? false : persist,
    d1Databases: ["DB"],
    d1Persist: values.storage === "memory" ? false : persist,
  });
  const db = await mf.getD1Database("DB");
  const migrations = join(root, "schema/migrations");
  for (const file of readdirSync(migrations)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of readFileSync(join(migrations, file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
  const hit = async (path: string) => {
    const res = await mf.dispatchFetch(`http://bench${path}`);
    await res.text();
    return res.status;
  };

  /** Closed loop: `concurrency` workers each send the next request when the previous answers. */
  const run = async (label: string, paths: string[]): Promise<Result> => {
    for (let i = 0; i < 200; i++) await hit(paths[i % paths.length]!); // warm-up: JIT, object creation
    const latencies: number[] = [];
    let refused = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const status = await hit(paths[n++ % paths.length]!);
          latencies.push(performance.now() - t);
          if (status !== 200) refused++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const result = {
      label,
      requests: latencies.length,
      perSecond: latencies.length / elapsed,
      p50: at(0.5),
      p99: at(0.99),
      refused,
    };
    console.log(JSON.stringify(result));
    return result;
  };

  try {
    // One gate per scenario: a gate's RPM window (10,000/min) must not carry the previous scenario's admits.
    for (const name of ["solo", "solo-admit", "solo-cycle"]) await hit(`/configure?p=${name}`);
    await hit("/configure?p=pooled&pool=1");
    for (let i = 0; i < 4; i++) await hit(`/configure?p=multi${i}`);
    const burst = async (label: string, query: string): Promise<Result> => {
      await hit(`/burst?${query}&n=200&c=${concurrency}`); // warm-up: JIT, object creation, SQLite pages
      const res = await mf.dispatchFetch(`http://bench/burst?${query}&n=${operations}&c=${concurrency}`);
      const { n, ms, refused } = (await res.json()) as { n: number; ms: number; refused: number };
      const result = {
        label,
        requests: n,
        perSecond: (n / ms) * 1000,
        p50: (ms / n) * concurrency,
        p99: Number.NaN,
        refused,
      };
      console.log(JSON.stringify(result));
      return result;
    };
    const results = [
      await run("Node → Worker dispatch only (harness ceiling)", ["/noop"]),
      await run("Node → Worker → 1 gate admit + settle", ["/cycle?p=solo"]),
      await burst("1 gate: read-only RPC (budgetStatus)", "mode=status&p=solo"),
      await burst("1 gate: one-row write RPC (setKillSwitch)", "mode=write&p=solo"),
      await burst("1 gate: admit", "mode=admit&p=solo-admit"),
      await burst("1 gate: admit + settle", "mode=cycle&p=solo-cycle"),
      await burst("1 gate + shared BudgetPool: admit + settle", "mode=cycle&p=pooled"),
      await burst("4 gates: admit + settle, spread", "mode=cycle&gates=multi0,multi1,multi2,multi3"),
    ];
    const row = (r: Result) =>
      `| ${r.label} | ${r.requests} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${Number.isNaN(r.p99) ? "–" : r.p99.toFixed(2)} | ${r.refused} |`;
    const report = [
      "# Admission Durable Objects: per-object throughput",
      "",
      "Generated by `npx tsx scripts/bench-gate.ts` — do not edit by hand.",
      "",
      `Machine: ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)},`,
      `1-minute load average ${loadavg()[0]!.toFixed(1)} at the end (other work on the box lowers the figures).`,
      `Miniflare/workerd, SQLite-backed objects (storage: ${values.storage}); closed loop with ${concurrency} operations in flight.`,
      `The first two rows drive requests from Node for ${seconds} s and are bounded by the Node→Miniflare hop; the`,
      `others run ${operations} operations inside one Worker invocation (RPC to the objects only), so they show what`,
      "an object sustains. For in-Worker rows `p50 ms` is the mean latency (concurrency ÷ throughput) and p99 is not",
      'measured. "refused" counts denials (limits are set high so it should be 0).',
      "",
      "| scenario | operations | per second | p50 ms | p99 ms | refused |",
      "|---|---|---|---|---|---|",
      ...results.map(row),
      "",
      "Locally every object shares one workerd process, so the 4-gate row shows the process ceiling, not",
      "four machines. In production each object runs single-threaded in one colo; see docs/scale.md.",
      "",
    ].join("\n");
    writeFileSync(values.out, report);
    console.log(report);
  } finally {
    await mf.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
