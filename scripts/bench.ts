/**
 * `npm run bench`: what the gateway adds between a client and an OpenAI-compatible upstream. Starts a mock
 * upstream, a bare pass-through Worker, two floors (that Worker plus one admission call; the least any
 * implementation of the design does) and the bundled gateway, all in workerd through Miniflare's API,
 * provisions a project through the control plane, then measures the targets interleaved: sequential latency,
 * throughput at fixed concurrency (autocannon) and streaming first byte. Writes docs/bench/gateway.md.
 */
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeClient, send } from "./bench/http-client";
import { type OtlpReceiver, startOtlpReceiver } from "./lib/otlp-receiver";
import { chatBody, load, sequential, sequentialGet, streaming, warmUp, type BenchTarget } from "./bench/measure";
import { spawnMockUpstream, type MockUpstream } from "./bench/mock-upstream";
import { type RunningPortkey, startPortkey } from "./bench/portkey";
import { type RunningRedis, startRedisServer } from "./lib/redis-server";
import { type RunningBridge, startRedisBridge } from "./redis-bridge";
import { FULL_PIPELINE_SETTINGS, provisionProject, type BenchProject } from "./bench/provision";
import { goals, renderReport } from "./bench/report";
import { startCpuProfile, type ProfileSummary } from "./bench/cpu-profile";
import {
  bundleGateway,
  freePort,
  startAdmissionFloor,
  startDesignFloor,
  startGateway,
  startPassthrough,
  tempDir,
  type RunningWorker,
} from "./bench/workers";

const HELP = `Usage: npm run bench -- [options]

Measures direct-to-upstream vs a bare pass-through Worker vs two floors vs the full Tollgate pipeline, with and
without OpenTelemetry export to a local OTLP receiver, interleaved.

  --requests N       sequential and streaming requests per target (default 300; --quick 20)
  --concurrency C    connections for the load test (default 16; --quick 4)
  --duration S       load-test seconds per target, split into rounds of at most 3 s (default 15; --quick 2)
  --redis            run the gateway with a local redis-server behind the Upstash REST bridge: memory and the
                     per-IP limit (@upstash/ratelimit, awaited only before the provider call) on Redis
  --no-portkey       leave out Portkey's open-source gateway (npm @portkey-ai/gateway, run with Node)
  --guardrails-off   also measure the gateway with PII and Sentinel disabled (where the time goes)
  --profile          also sample the gateway's CPU (V8 inspector) during one extra load round and report
                     the top modules and functions by self time (the inspector stays attached all run)
  --persist-disk     keep the gateway's D1 and Durable Object storage in files on disk (as wrangler dev does)
                     instead of a memory-backed directory (/dev/shm)
  --quick            smoke mode for CI: few requests, no report written unless --out is given
  --out PATH         Markdown report (default docs/bench/gateway.md)
  -h, --help         this text

Everything listens on 127.0.0.1; every loop is bounded by count or seconds. The machine's load average is
recorded with the figures: run it when the box is quiet.`;

const ROOT = resolve(import.meta.dirname, "..");
// Short rounds, so even the default run has several per target: their spread is what tells a change from noise.
const ROUND_SECONDS = 3;
const NAMES = {
  direct: "direct to upstream",
  bare: "bare Worker",
  floor: "bare Worker + one admission call",
  design: "design floor",
  gateway: "Tollgate, full pipeline",
} as const;
const ANALYSIS_MARKER = "<!-- analysis: written by hand, kept when the figures above are regenerated -->";
const GUARDRAILS_OFF = "Tollgate, PII + Sentinel off";
const PORTKEY = "Portkey gateway 1.15 (Node)";
/** The full pipeline with OpenTelemetry export to a local OTLP receiver (docs/observability.md). */
const OTEL_ON = "Tollgate, OTel export on";
/** The full pipeline with the response cache on: after the first call every request is a hit (docs/cache.md). */
const CACHE_HIT = "Tollgate, cache hit";
const MEMORY_BACKED_DIR = "/dev/shm";
// Bounds, so a typo cannot start an hour-long run.
const LIMITS = { requests: 20_000, concurrency: 256, duration: 600 };

function positive(name: keyof typeof LIMITS, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > LIMITS[name])
    throw new Error(`--${name} must be an integer from 1 to ${LIMITS[name]}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: "string" },
      concurrency: { type: "string" },
      duration: { type: "string" },
      "guardrails-off": { type: "boolean", default: false },
      "no-portkey": { type: "boolean", default: false },
      redis: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      "persist-disk": { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return console.log(HELP);
  const quick = values.quick;
  const requests = positive("requests", values.requests, quick ? 20 : 300);
  const concurrency = positive("concurrency", values.concurrency, quick ? 4 : 16);
  const duration = positive("duration", values.duration, quick ? 2 : 15);
  const rounds = Math.ceil(duration / ROUND_SECONDS);
  const secondsPerRound = Math.max(1, Math.round(duration / rounds));
  const out = values.out ?? (quick ? undefined : join(ROOT, "docs/bench/gateway.md"));

  const loadBefore = loadavg();
  console.error(`load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")}; bundling the gateway…`);
  const bundleDir = tempDir("tollgate-bench-bundle-");
  // Production storage is a replicated service, not a file on the Worker's machine: by default the local SQLite
  // files live on tmpfs so a disk's fsync is not part of what the gateway costs (Miniflare's own "not
  // persisted" still writes them to the temporary directory on disk).
  const persistDisk = values["persist-disk"] || !existsSync(MEMORY_BACKED_DIR);
  const stateDir = tempDir("tollgate-bench-state-", persistDisk ? undefined : MEMORY_BACKED_DIR);
  const running: RunningWorker[] = [];
  let upstream: MockUpstream | undefined;
  let portkey: RunningPortkey | undefined;
  // Its own storage: the export-on gateway is a second deployment beside the first, as an operator would run it.
  const otelStateDir = tempDir("tollgate-bench-otel-", persistDisk ? undefined : MEMORY_BACKED_DIR);
  let receiver: OtlpReceiver | undefined;
  let redis: { server: RunningRedis; bridge: RunningBridge; token: string } | undefined;
  try {
    const scriptPath = bundleGateway(bundleDir.path);
    upstream = await spawnMockUpstream();
    const bare = await startPassthrough(`http://127.0.0.1:${upstream.port}`);
    running.push(bare);
    const floor = await startAdmissionFloor(`http://127.0.0.1:${upstream.port}`);
    running.push(floor);
    const design = await startDesignFloor(`http://127.0.0.1:${upstream.port}`, stateDir.path);
    running.push(design);
    const inspectorPort = values.profile ? await freePort() : undefined;
    if (values.redis) {
      const server = await startRedisServer();
      const token = crypto.randomUUID();
      redis = { server, bridge: await startRedisBridge({ token, redisPort: server.port }), token };
    }
    const gateway = await startGateway(scriptPath, stateDir.path, {
      inspectorPort,
      redis: redis && { url: redis.bridge.url, token: redis.token },
    });
    running.push(gateway);
    if (!values["no-portkey"]) portkey = await startPortkey();
    receiver = await startOtlpReceiver({ keep: false });
    const otelGateway = await startGateway(scriptPath, otelStateDir.path, {
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    running.push(otelGateway);
    console.error(`upstream :${upstream.port}, bare Worker :${bare.port}, gateway :${gateway.port}; provisioning…`);

    const upstreamAuth = { Authorization: `Bearer ${upstream.apiKey}` };
    const path = "/v1/chat/completions";
    const direct: BenchTarget = {
      name: NAMES.direct,
      port: upstream.port,
      host: `127.0.0.1:${upstream.port}`,
      path,
      headers: upstreamAuth,
      model: "gpt-4o-mini",
    };
    const bareTarget: BenchTarget = {
      name: NAMES.bare,
      port: bare.port,
      pid: bare.pid,
      host: `127.0.0.1:${bare.port}`,
      path,
      headers: upstreamAuth,
      model: "gpt-4o-mini",
    };
    const floorTarget: BenchTarget = {
      name: NAMES.floor,
      port: floor.port,
      pid: floor.pid,
      host: `127.0.0.1:${floor.port}`,
      path,
      headers: upstreamAuth,
      model: "gpt-4o-mini",
    };
    const designTarget: BenchTarget = {
      name: NAMES.design,
      port: design.port,
      pid: design.pid,
      host: `127.0.0.1:${design.port}`,
      path,
      headers: upstreamAuth,
      model: "gpt-4o-mini",
    };
    const portkeyTarget: BenchTarget | undefined = portkey && {
      name: PORTKEY,
      port: portkey.port,
      pid: portkey.pid,
      host: `127.0.0.1:${portkey.port}`,
      path,
      headers: portkey.headers(upstream.baseUrl, upstream.apiKey),
      model: "gpt-4o-mini",
    };
    const gatewayTarget = (name: string, project: BenchProject): BenchTarget => ({
      name,
      port: gateway.port,
      pid: gateway.pid,
      host: project.host,
      path,
      headers: { Authorization: `Bearer ${project.token}` },
      model: "openai/gpt-4o-mini",
    });
    const provision = (settings = FULL_PIPELINE_SETTINGS as Record<string, unknown>) =>
      provisionProject(gateway.port, gateway.operatorToken, upstream!, settings);
    const otelTarget = async (): Promise<BenchTarget> => ({
      ...gatewayTarget(
        OTEL_ON,
        await provisionProject(otelGateway.port, otelGateway.operatorToken, upstream!, FULL_PIPELINE_SETTINGS),
      ),
      port: otelGateway.port,
      pid: otelGateway.pid,
    });
    const offSettings = { ...FULL_PIPELINE_SETTINGS, pii_mode: "disabled", sentinel_mode: "disabled" };
    const cacheSettings = { ...FULL_PIPELINE_SETTINGS, cache_mode: "enabled" };

    // Fresh projects for the load rounds: a project's RPM ceiling (10,000/min) is below what one 5 s round
    // can send, so each round gets a project whose window is empty.
    const sequentialTargets = [
      direct,
      bareTarget,
      floorTarget,
      designTarget,
      gatewayTarget(NAMES.gateway, await provision()),
      await otelTarget(),
      gatewayTarget(CACHE_HIT, await provision(cacheSettings)),
    ];
    if (values["guardrails-off"]) sequentialTargets.push(gatewayTarget(GUARDRAILS_OFF, await provision(offSettings)));
    if (portkeyTarget) sequentialTargets.push(portkeyTarget);
    const loadTargets: BenchTarget[][] = [];
    for (let round = 0; round < rounds; round++) {
      const targets = [
        direct,
        bareTarget,
        floorTarget,
        designTarget,
        gatewayTarget(NAMES.gateway, await provision()),
        await otelTarget(),
        gatewayTarget(CACHE_HIT, await provision(cacheSettings)),
      ];
      if (values["guardrails-off"]) targets.push(gatewayTarget(GUARDRAILS_OFF, await provision(offSettings)));
      if (portkeyTarget) targets.push(portkeyTarget);
      loadTargets.push(targets);
    }

    // Steady state is what a busy gateway runs in: every target gets enough calls for the JIT to settle first
    // (the gateway's p50 kept falling for the first few hundred requests of a fresh isolate).
    console.error("warming up…");
    await warmUp(sequentialTargets, quick ? 5 : 300);
    for (const targets of loadTargets) await warmUp(targets.slice(4), quick ? 2 : 50);
    // The cache-hit figures must be hits: a miss here would measure the full pipeline under another name.
    for (const target of [...sequentialTargets, ...loadTargets.flat()].filter((t) => t.name === CACHE_HIT)) {
      for (const stream of [false, true]) {
        const probe = await send(target, "POST", chatBody(target, stream));
        if (probe.cache !== "HIT")
          throw new Error(`${CACHE_HIT}: expected a cache hit, got ${probe.cache ?? "no header"}`);
      }
    }

    console.error(`sequential: ${requests} requests per target…`);
    const seq = await sequential(sequentialTargets, requests);
    console.error(`streaming: ${requests} requests per target…`);
    const stream = await streaming(sequentialTargets, requests);
    console.error(`load: ${concurrency} connections, ${rounds} × ${secondsPerRound} s per target…`);
    const loaded = await load((round) => loadTargets[round]!, { rounds, secondsPerRound, connections: concurrency });

    let profile: ProfileSummary | undefined;
    const notes: string[] = [];
    if (inspectorPort !== undefined) {
      // Decomposition: GET /v1/models runs only the entry checks (per-IP window, project, CORS, JWT)
      // and one D1 read, so (gateway − bare) here is their cost, and the rest of the chat gap is inference-only.
      const project = await provision();
      const models = (name: string, port: number, host: string, headers: Record<string, string>) => ({
        name,
        port,
        host,
        path: "/v1/models",
        headers,
      });
      const probes = [
        models(NAMES.bare, bare.port, `127.0.0.1:${bare.port}`, upstreamAuth),
        models(NAMES.gateway, gateway.port, project.host, { Authorization: `Bearer ${project.token}` }),
      ];
      await sequentialGet(probes, 10);
      const probed = await sequentialGet(probes, requests);
      const entry = probed.get(NAMES.gateway)!.latency.p50 - probed.get(NAMES.bare)!.latency.p50;
      const chatGap = seq.get(NAMES.gateway)!.latency.p50 - seq.get(NAMES.bare)!.latency.p50;
      notes.push(
        `Decomposition (sequential p50, ${requests} requests each, interleaved): \`GET /v1/models\` through the gateway — entry checks`,
        "(per-IP window, project from Host, CORS, JWT) plus one D1 read — costs",
        `${entry.toFixed(2)} ms over the bare Worker forwarding the same GET (${probed.get(NAMES.bare)!.latency.p50.toFixed(2)} → ${probed.get(NAMES.gateway)!.latency.p50.toFixed(2)} ms).`,
        `The rest of the chat gap, ≈ ${(chatGap - entry).toFixed(2)} ms, is admission, the body's parsing, guardrails, the provider call`,
        "and usage settlement.",
        "",
      );

      console.error("profiling the gateway under load…");
      const target = gatewayTarget(NAMES.gateway, await provision());
      await warmUp([target], 5);
      const session = await startCpuProfile(inspectorPort, scriptPath);
      const profiled = await load(() => [target], { rounds: 1, secondsPerRound, connections: concurrency });
      profile = await session.stop();
      const r = profiled.get(NAMES.gateway)!;
      console.error(`profiled round: ${r.requestsPerSecond.toFixed(0)} req/s, ${r.completed} requests`);
      if (profile) profile.perRequestMs = profile.sampledMs / Math.max(1, r.completed);
    }

    // The design floor must really do its bookkeeping, or it would understate the floor.
    const ledgerRows = await (await design.mf.getD1Database("DB"))
      .prepare("SELECT count(*) AS n FROM ledger")
      .first<number>("n");
    if (!ledgerRows)
      throw new Error("the design floor wrote no usage-ledger rows; its figures would understate the floor");
    if (redis)
      notes.push(
        `With \`--redis\`: the gateway's per-IP limit also counted every request on a local redis-server (port ${redis.server.port})`,
        "through the Upstash REST bridge with `@upstash/ratelimit` (sliding window, ephemeral cache, 500 ms timeout), its",
        "check started at entry and awaited just before the provider call; conversation memory was on Redis too.",
        "",
      );
    if (portkeyTarget)
      notes.push(
        `**${PORTKEY}**: \`@portkey-ai/gateway\` from npm (\`build/start-server.js --headless\`) in its own Node ${process.version}`,
        "process, routed to the same mock with `x-portkey-provider: openai` and `x-portkey-custom-host`; no config, cache",
        "or guardrails (its open-source build has no budgets or auth). On Node 20 its streaming fails with `TypeError:",
        "immutable` (Portkey-AI/gateway #1389, #1550): `scripts/bench/portkey-preload.mjs`, loaded with `--import`,",
        "re-wraps each `fetch` answer with a mutable copy of its headers (the body stream is handed over as is). Its CPU",
        "per request is its Node process's.",
        "",
      );
    notes.push(
      `The design floor wrote ${ledgerRows} usage-ledger rows to its D1 (one per request it answered, warm-up included).`,
      "",
      `The gateway wrote ${(gateway.logBytes() / 1e6).toFixed(1)} MB of request log lines (one JSON line per request) during the run;`,
      "the harness drains its stdout instead of printing it (production sends these lines to Workers Logs).",
      "",
      `"${OTEL_ON}" is a second gateway with OTEL_EXPORTER_OTLP_ENDPOINT set to a local OTLP/HTTP receiver, which took`,
      `${receiver.received.traces} trace and ${receiver.received.metrics} metrics POSTs (batched per isolate, sent in waitUntil). Its gap`,
      `to "${NAMES.gateway}" is what building, encoding and sending the spans and metrics costs per request.`,
      "",
      `"${CACHE_HIT}" is the full pipeline with \`cache_mode: enabled\` (user scope): every measured request repeats one`,
      "body, so after the first call each is answered from the Workers Cache API (checked: the harness refuses to run if",
      "a probe is not `X-Tollgate-Cache: HIT`). Guardrails, admission (no reservation), the ledger row and the replay",
      "through the output stages still run; the provider call does not.",
      "",
    );
    const figures = {
      command: process.argv.length > 2 ? `npm run bench -- ${process.argv.slice(2).join(" ")}` : "npm run bench",
      machine: `${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
      loadBefore,
      loadAfter: loadavg(),
      requests,
      concurrency,
      loadSeconds: rounds * secondsPerRound,
      rounds,
      names: NAMES,
      targetNames: sequentialTargets.map((t) => t.name),
      sequential: seq,
      streaming: stream,
      load: loaded,
      storage: persistDisk ? ("disk" as const) : ("memory" as const),
    };
    const report = renderReport(figures, profile, notes);
    console.log(report);
    if (out) {
      // Hand-written analysis below the marker survives regeneration; the figures above it do not.
      const previous = existsSync(out) ? readFileSync(out, "utf8") : "";
      const kept = previous.includes(ANALYSIS_MARKER) ? previous.slice(previous.indexOf(ANALYSIS_MARKER)) : "";
      writeFileSync(out, kept ? `${report}\n${kept}` : report);
      console.error(`written to ${out}`);
    }
    const failed = [...loaded.values()].reduce((sum, r) => sum + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} requests failed under load; the figures are not comparable`);
    for (const goal of goals(figures))
      console.error(`${goal.met ? "met   " : "MISSED"} ${goal.label}: ${goal.measured}`);
  } finally {
    closeClient();
    for (const worker of running.reverse()) await worker.mf.dispose();
    await portkey?.close();
    await redis?.bridge.close();
    await redis?.server.stop();
    await upstream?.close();
    await receiver?.close();
    bundleDir.remove();
    stateDir.remove();
    otelStateDir.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
