import type { ProfileSummary } from "./cpu-profile";
import type { LoadResult, SequentialResult, StreamingResult } from "./measure";

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

/** The three goals, measured for `target` (the gateway unless given) against the bare Worker. */
export function goals(f: BenchFigures, target: string = f.names.gateway): Goal[] {
  const { seq, ttfb, rps } = headline(f);
  const added = seq(target) - seq(f.names.bare);
  const ttfbAdded = ttfb(target) - ttfb(f.names.bare);
  const share = rps(target) / rps(f.names.bare);
  return [
    {
      label: "full pipeline adds < 0.5 ms sequential p50 over the bare Worker",
      measured: `${signed(added)} ms`,
      met: added < 0.5,
    },
    {
      label: `keeps ≥ 80% of the bare Worker's throughput at concurrency ${f.concurrency}`,
      measured: `${(share * 100).toFixed(0)}%`,
      met: share >= 0.8,
    },
    {
      label: "adds < 1 ms to streaming time-to-first-byte p50",
      measured: `${signed(ttfbAdded)} ms`,
      met: ttfbAdded < 1,
    },
  ];
}

/** Each goal for the gateway beside the same goal measured for the design floor. */
export function goalsBesideFloor(f: BenchFigures): { goal: Goal; floor: Goal }[] {
  const floorGoals = goals(f, f.names.design);
  return goals(f).map((goal, i) => ({ goal, floor: floorGoals[i]! }));
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
    return `| ${name} | ${r.requestsPerSecond.toFixed(0)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${r.completed} | ${r.failed} |`;
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
    "## Goals",
    "",
    "| goal | Tollgate | met | design floor | met by the design floor |",
    "|---|---|---|---|---|",
    ...goalsBesideFloor(f).map(
      ({ goal, floor }) =>
        `| ${goal.label} | ${goal.measured} | ${goal.met ? "yes" : "**no**"} | ${floor.measured} | ${floor.met ? "yes" : "**no**"} |`,
    ),
    "",
    "A goal the design floor misses cannot be met by any implementation of the design on this harness (the split below).",
    "",
    ...renderFloorSplit(f),
    `## Sequential (${f.requests} non-streaming requests per target, one at a time)`,
    "",
    "| target | p50 ms | p90 ms | p99 ms | mean ms | p50 over direct | p50 over bare Worker |",
    "|---|---|---|---|---|---|---|",
    ...f.targetNames.map((name) => {
      const s = f.sequential.get(name)!.latency;
      return `| ${name} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} | ${signed(s.p50 - direct)} | ${signed(s.p50 - bare)} |`;
    }),
    "",
    `## Under load (autocannon, ${f.concurrency} connections, ${f.loadSeconds} s per target in ${f.rounds} alternating rounds)`,
    "",
    "| target | requests/s | p50 ms | p99 ms | completed | failed |",
    "|---|---|---|---|---|---|",
    ...loadRows,
    "",
    `## Streaming (${f.requests} \`"stream": true\` requests per target, one at a time)`,
    "",
    "| target | first byte p50 ms | first byte p99 ms | total p50 ms | total p99 ms | first byte p50 over direct |",
    "|---|---|---|---|---|---|",
    ...f.targetNames.map((name) => {
      const s = f.streaming.get(name)!;
      return `| ${name} | ${ms(s.firstByte.p50)} | ${ms(s.firstByte.p99)} | ${ms(s.total.p50)} | ${ms(s.total.p99)} | ${signed(s.firstByte.p50 - directTtfb)} |`;
    }),
    "",
    ...(profile ? renderProfile(profile) : []),
    ...(notes.length > 0 ? ["## Notes", "", ...notes, ""] : []),
  ].join("\n");
}
