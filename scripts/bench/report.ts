import type { ProfileSummary } from "./cpu-profile";
import type { LoadResult, SequentialResult, StreamingResult } from "./measure";
import { pairwise, type Spread } from "./stats";

/** Renders docs/bench/gateway.md: the figures, the goals with a met/missed verdict, and how to reproduce. */
export interface BenchFigures {
  command: string;
  machine: string;
  loadBefore: number[];
  loadAfter: number[];
  requests: number;
  concurrency: number;
  loadSeconds: number;
  rounds: number;
  names: { direct: string; bare: string; floor: string; design: string; gateway: string };
  targetNames: string[];
  sequential: Map<string, SequentialResult>;
  streaming: Map<string, StreamingResult>;
  load: Map<string, LoadResult>;
  /** Where the gateway's local D1 and Durable Object storage lived during the run. */
  storage: "memory" | "disk";
}

export interface Goal {
  label: string;
  measured: string;
  met: boolean;
}

const ms = (value: number) => value.toFixed(2);
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;

/** The three figures the goals are about, per target name. */
function headline(f: BenchFigures) {
  return {
    seq: (name: string) => f.sequential.get(name)!.latency.p50,
    ttfb: (name: string) => f.streaming.get(name)!.firstByte.p50,
    rps: (name: string) => f.load.get(name)!.requestsPerSecond,
  };
}

/** The goals of issue #21, against the design floor (the least any implementation of the SPEC does here). */
export const GOAL_LIMITS = { sequentialAddedMs: 0.3, throughputShare: 0.9, firstByteAddedMs: 0.3, cpuRatio: 1.15 };

const range = (x: Spread, fmt: (v: number) => string) => `${fmt(x.min)} … ${fmt(x.max)}`;
const percent = (v: number) => `${(v * 100).toFixed(0)}%`;
const times = (v: number) => `${v.toFixed(2)}×`;

/**
 * Each goal for `target` against `floor`, block by block: blocks of interleaved targets cover the same stretch
 * of time, so the per-block comparison cancels the machine's drift, and its range shows what is noise. A goal
 * is met when the median over blocks meets it.
 */
export function goals(f: BenchFigures, target: string = f.names.gateway, floor: string = f.names.design): Goal[] {
  const minus = (a: number, b: number) => a - b;
  const ratio = (a: number, b: number) => a / b;
  const seq = pairwise(f.sequential.get(target)!.blocks, f.sequential.get(floor)!.blocks, minus);
  const ttfb = pairwise(f.streaming.get(target)!.firstByteBlocks, f.streaming.get(floor)!.firstByteBlocks, minus);
  const rps = pairwise(
    f.load.get(target)!.requestsPerSecondByRound,
    f.load.get(floor)!.requestsPerSecondByRound,
    ratio,
  );
  const targetCpu = f.load.get(target)!.cpuMsPerRequest;
  const floorCpu = f.load.get(floor)!.cpuMsPerRequest;
  const cpu = targetCpu && floorCpu ? pairwise(targetCpu, floorCpu, ratio) : undefined;
  const limits = GOAL_LIMITS;
  const list: Goal[] = [
    {
      label: `adds ≤ +${ms(limits.sequentialAddedMs)} ms sequential p50 over the design floor`,
      measured: `${signed(seq.median)} ms (blocks ${range(seq, signed)})`,
      met: seq.median <= limits.sequentialAddedMs,
    },
    {
      label: `keeps ≥ ${percent(limits.throughputShare)} of the design floor's throughput at concurrency ${f.concurrency}`,
      measured: `${percent(rps.median)} (rounds ${range(rps, percent)})`,
      met: rps.median >= limits.throughputShare,
    },
    {
      label: `adds ≤ +${ms(limits.firstByteAddedMs)} ms streaming first byte p50 over the design floor`,
      measured: `${signed(ttfb.median)} ms (blocks ${range(ttfb, signed)})`,
      met: ttfb.median <= limits.firstByteAddedMs,
    },
  ];
  if (cpu)
    list.push({
      label: `workerd CPU per request ≤ ${times(limits.cpuRatio)} the design floor's`,
      measured: `${times(cpu.median)} (rounds ${range(cpu, times)})`,
      met: cpu.median <= limits.cpuRatio,
    });
  return list;
}

/**
 * The three goal metrics split at the two floors: what the one Durable Object call ARCHITECTURE.md requires
 * costs on this runtime, what the least implementation of the whole design costs, and what Tollgate adds.
 */
function renderFloorSplit(f: BenchFigures): string[] {
  const { seq, ttfb, rps } = headline(f);
  const { bare, floor, design, gateway } = f.names;
  const share = (a: string, b: string) => `${((rps(a) / rps(b)) * 100).toFixed(0)}%`;
  return [
    "## Split at the floors",
    "",
    `The goals compare against the bare Worker, which makes no Durable Object call. **${floor}** is that Worker plus the`,
    'one call ARCHITECTURE.md requires before the upstream call ("one call admits"), to an object that only counts in',
    `memory. **${design}** adds the rest of what the SPEC requires of any implementation, done the cheapest way: the body`,
    "parsed, the answer read for its usage, settlement batched, one usage-ledger row per request in D1, one log line.",
    "On this runtime the Worker, its Durable Objects and local D1 share one workerd thread, so their CPU competes with",
    "the requests.",
    "",
    "| metric | admission call vs bare Worker | design floor vs bare Worker | Tollgate vs design floor | Tollgate vs bare Worker | goal (vs bare Worker) |",
    "|---|---|---|---|---|---|",
    `| sequential p50 | ${signed(seq(floor) - seq(bare))} ms | ${signed(seq(design) - seq(bare))} ms | ${signed(seq(gateway) - seq(design))} ms | ${signed(seq(gateway) - seq(bare))} ms | < +0.50 ms |`,
    `| throughput at concurrency ${f.concurrency} | ${share(floor, bare)} | ${share(design, bare)} | ${share(gateway, design)} | ${share(gateway, bare)} | ≥ 80% |`,
    `| streaming first byte p50 | ${signed(ttfb(floor) - ttfb(bare))} ms | ${signed(ttfb(design) - ttfb(bare))} ms | ${signed(ttfb(gateway) - ttfb(design))} ms | ${signed(ttfb(gateway) - ttfb(bare))} ms | < +1.00 ms |`,
    "",
  ];
}

/** workerd CPU per answered request under load: what each request costs the machine, beside what it waits. */
function renderCpu(f: BenchFigures): string[] {
  const floorCpu = f.load.get(f.names.design)?.cpuMsPerRequest;
  const rows = f.targetNames.flatMap((name) => {
    const cpu = f.load.get(name)?.cpuMsPerRequest;
    if (!cpu) return [];
    const vsFloor = floorCpu ? times(pairwise(cpu, floorCpu, (a, b) => a / b).median) : "—";
    return [`| ${name} | ${ms(cpu.median)} | ${range(cpu, ms)} | ${vsFloor} |`];
  });
  if (rows.length === 0) return [];
  return [
    "## CPU per request (workerd user + system time under load ÷ requests answered)",
    "",
    "Read from /proc for each target's own workerd process (the Worker, its Durable Objects and local D1 share it) over",
    "each load round. The direct target is the Node mock upstream, not a workerd, so it has no row.",
    "",
    "| target | CPU ms per request, median of rounds | range over rounds | vs design floor |",
    "|---|---|---|---|",
    ...rows,
    "",
  ];
}

function renderProfile(p: ProfileSummary): string[] {
  const rows = (lines: ProfileSummary["byModule"]) =>
    lines.map(
      (line) => `| ${line.label.replace(/\|/g, "\\|")} | ${line.ms.toFixed(0)} | ${(line.share * 100).toFixed(1)}% |`,
    );
  return [
    "## Where the gateway's CPU goes (V8 sampling profile under load)",
    "",
    `${p.sampledMs.toFixed(0)} ms of JavaScript self time sampled over ${p.isolates} inspector target(s)${p.perRequestMs ? `, ${p.perRequestMs.toFixed(2)} ms per completed request` : ""}; idle excluded, I/O waits not included.`,
    "All isolates share workerd's one thread and each isolate's profiler also samples while another one runs (the",
    "sum exceeds the wall time), so native entries such as `fetch` are inflated: read the ranking, not the milliseconds.",
    "",
    "| module | self ms | share |",
    "|---|---|---|",
    ...rows(p.byModule),
    "",
    "| function — module | self ms | share |",
    "|---|---|---|",
    ...rows(p.byFunction),
    "",
  ];
}

export function renderReport(f: BenchFigures, profile?: ProfileSummary, notes: string[] = []): string {
  const direct = f.sequential.get(f.names.direct)!.latency.p50;
  const bare = f.sequential.get(f.names.bare)!.latency.p50;
  const directTtfb = f.streaming.get(f.names.direct)!.firstByte.p50;
  const loadRows = f.targetNames.map((name) => {
    const r = f.load.get(name)!;
    const rounds = r.requestsPerSecondByRound;
    return `| ${name} | ${r.requestsPerSecond.toFixed(0)} | ${range(rounds, (v) => v.toFixed(0))} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${r.completed} | ${r.failed} |`;
  });
  return [
    "# Gateway overhead: direct vs bare Worker vs Tollgate",
    "",
    `Generated by \`${f.command}\` — do not edit by hand.`,
    "",
    `Machine: ${f.machine}. Load average (1/5/15 min) ${f.loadBefore.map((x) => x.toFixed(2)).join(" / ")} before,`,
    `${f.loadAfter.map((x) => x.toFixed(2)).join(" / ")} after — the box is shared, so treat the tails with care.`,
    "",
    "Targets, all on 127.0.0.1, measured interleaved (request by request, or round by round under load):",
    "",
    `- **${f.names.direct}**: the mock OpenAI-compatible upstream (Node http, own process, fixed small JSON / 7-event SSE reply).`,
    `- **${f.names.bare}**: \`scripts/bench/passthrough-worker.js\` in workerd (Miniflare API) — forwards the request, nothing else: the runtime's floor.`,
    `- **${f.names.floor}**: \`scripts/bench/admission-floor-worker.js\` — the bare Worker plus one Durable Object call before`,
    "  the upstream call (an in-memory counter: no storage, no limits, no settle call): the floor of the architecture's one-call admission.",
    `- **${f.names.design}**: \`scripts/bench/design-floor-worker.js\` — the least any implementation of the SPEC and ARCHITECTURE.md`,
    "  does per request: parse the body, one admitting Durable Object call (in memory), read the answer for its usage (a stream",
    "  chunk by chunk in JavaScript), settle batched per isolate every 25 ms with the batch's usage-ledger rows in one D1",
    "  statement, one JSON log line. No JWT, CORS, PII, Sentinel, validation, kill-switch data or SQL in the object.",
    `- **${f.names.gateway}**: the \`wrangler deploy --dry-run\` bundle in workerd (Miniflare API, local D1 and SQLite Durable Objects ${f.storage === "disk" ? "in files on disk" : "in SQLite files on tmpfs (memory)"}),`,
    "  BYOK `openai` key pointing at the mock, `pii_mode` and `sentinel_mode` `enforce`, JWT auth, admission (kill switches,",
    "  revocation, RPM, budgets), model allowlist, usage settlement and ledger. Limits set far above the load.",
    ...f.targetNames
      .filter((name) => !Object.values(f.names).includes(name))
      .map((name) => `- **${name}**: see the notes below.`),
    "",
    "## Goals (against the design floor)",
    "",
    `Each figure is the median over ${f.rounds > 1 ? "blocks and rounds" : "blocks"} of Tollgate compared with the design floor in the same`,
    "block (interleaved, so both saw the same machine), with the range over blocks: a change inside the range is noise.",
    "",
    "| goal | Tollgate vs design floor | met |",
    "|---|---|---|",
    ...goals(f).map((goal) => `| ${goal.label} | ${goal.measured} | ${goal.met ? "yes" : "**no**"} |`),
    "",
    ...renderCpu(f),
    ...renderFloorSplit(f),
    `## Sequential (${f.requests} non-streaming requests per target, one at a time)`,
    "",
    "| target | p50 ms | p50 of blocks: median (range) | p90 ms | p99 ms | mean ms | p50 over direct | p50 over bare Worker |",
    "|---|---|---|---|---|---|---|---|",
    ...f.targetNames.map((name) => {
      const { latency: s, blocks } = f.sequential.get(name)!;
      return `| ${name} | ${ms(s.p50)} | ${ms(blocks.median)} (${range(blocks, ms)}) | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} | ${signed(s.p50 - direct)} | ${signed(s.p50 - bare)} |`;
    }),
    "",
    `## Under load (autocannon, ${f.concurrency} connections, ${f.loadSeconds} s per target in ${f.rounds} alternating rounds)`,
    "",
    "| target | requests/s | range over rounds | p50 ms | p99 ms | completed | failed |",
    "|---|---|---|---|---|---|---|",
    ...loadRows,
    "",
    `## Streaming (${f.requests} \`"stream": true\` requests per target, one at a time)`,
    "",
    "| target | first byte p50 ms | first byte p50 of blocks: median (range) | first byte p99 ms | total p50 ms | total p99 ms | first byte p50 over direct |",
    "|---|---|---|---|---|---|---|",
    ...f.targetNames.map((name) => {
      const s = f.streaming.get(name)!;
      const b = s.firstByteBlocks;
      return `| ${name} | ${ms(s.firstByte.p50)} | ${ms(b.median)} (${range(b, ms)}) | ${ms(s.firstByte.p99)} | ${ms(s.total.p50)} | ${ms(s.total.p99)} | ${signed(s.firstByte.p50 - directTtfb)} |`;
    }),
    "",
    ...(profile ? renderProfile(profile) : []),
    ...(notes.length > 0 ? ["## Notes", "", ...notes, ""] : []),
  ].join("\n");
}
