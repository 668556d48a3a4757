import autocannon from "autocannon";
import { send, type Target } from "./http-client";
import { processCpuMs } from "./process-cpu";
import { blockMedians, type Spread, spread, summarise, type Summary } from "./stats";

/**
 * The three measurements, each interleaved across targets so drifting machine load (the box is shared)
 * hits every target alike: sequential latency, streaming first byte and end, and fixed-concurrency load
 * with autocannon in short alternating rounds.
 */
/** Samples are split into this many consecutive blocks; each figure is reported as the blocks' median and range. */
export const BLOCKS = 5;

export interface SequentialResult {
  latency: Summary;
  /** p50 per block. */
  blocks: Spread;
}

export interface StreamingResult {
  firstByte: Summary;
  total: Summary;
  /** first-byte p50 per block. */
  firstByteBlocks: Spread;
}

export interface LoadResult {
  requestsPerSecond: number;
  latency: Summary;
  completed: number;
  /** Answers other than 2xx plus socket errors and timeouts; anything above 0 taints the row. */
  failed: number;
  seconds: number;
  /** requests/s per round. */
  requestsPerSecondByRound: Spread;
  /** workerd user + system CPU ms per answered request, per round; undefined for a target not in workerd. */
  cpuMsPerRequest?: Spread;
}

/** What each target receives: the same chat body, with the model id that target's upstream expects. */
export interface BenchTarget extends Target {
  model: string;
  /** The workerd process answering this target, for CPU per request. */
  pid?: number;
}

export const PROMPT = "What is the capital of France? Please answer in one short sentence.";

export function chatBody(target: BenchTarget, stream: boolean): string {
  return JSON.stringify({ model: target.model, stream, messages: [{ role: "user", content: PROMPT }] });
}

/** One GET per target, interleaved: `GET /v1/models` on the gateway runs the entry checks only. */
export async function sequentialGet(targets: Target[], requests: number): Promise<Map<string, SequentialResult>> {
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let i = 0; i < requests; i++) {
    for (const target of rotated(targets, i)) {
      const res = await send(target, "GET");
      if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      samples.get(target.name)!.push(res.totalMs);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, { latency: summarise(values), blocks: spread([]) }]));
}

async function call(target: BenchTarget, stream: boolean) {
  const res = await send(target, "POST", chatBody(target, stream));
  if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  if (!res.body.includes("upstream"))
    throw new Error(`${target.name}: the answer lacks the mock's text: ${res.body.slice(0, 300)}`);
  return res;
}

/** Unmeasured requests: JIT, connection pools, per-isolate caches and Durable Objects warm. */
export async function warmUp(targets: BenchTarget[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) for (const target of targets) await call(target, i % 2 === 1);
}

function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export async function sequential(targets: BenchTarget[], requests: number): Promise<Map<string, SequentialResult>> {
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let i = 0; i < requests; i++) {
    for (const target of rotated(targets, i)) samples.get(target.name)!.push((await call(target, false)).totalMs);
  }
  return new Map(
    [...samples].map(([name, values]) => [name, { latency: summarise(values), blocks: blockMedians(values, BLOCKS) }]),
  );
}

export async function streaming(targets: BenchTarget[], requests: number): Promise<Map<string, StreamingResult>> {
  const first = new Map(targets.map((t) => [t.name, [] as number[]]));
  const total = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let i = 0; i < requests; i++) {
    for (const target of rotated(targets, i)) {
      const res = await call(target, true);
      first.get(target.name)!.push(res.firstByteMs);
      total.get(target.name)!.push(res.totalMs);
    }
  }
  return new Map(
    targets.map((t) => [
      t.name,
      {
        firstByte: summarise(first.get(t.name)!),
        total: summarise(total.get(t.name)!),
        firstByteBlocks: blockMedians(first.get(t.name)!, BLOCKS),
      },
    ]),
  );
}

interface RoundResult {
  latencies: number[];
  completed: number;
  failed: number;
  seconds: number;
  cpuMs?: number;
}

function loadRound(target: BenchTarget, connections: number, seconds: number): Promise<RoundResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}${target.path}`,
        method: "POST",
        headers: { ...target.headers, host: target.host, "content-type": "application/json" },
        body: chatBody(target, false),
        connections,
        duration: seconds,
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          latencies,
          completed: result["2xx"],
          failed: result.non2xx + result.errors + result.timeouts,
          seconds: result.duration,
        });
      },
    );
    // Exact per-request times (autocannon's own histogram rounds to whole milliseconds).
    instance.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  });
}

/**
 * `rounds` alternating rounds of `secondsPerRound` per target. `targetsForRound(i)` lets a caller hand in a
 * fresh gateway project per round, keeping each project's RPM window clear of the previous rounds' requests.
 */
export async function load(
  targetsForRound: (round: number) => BenchTarget[],
  options: { rounds: number; secondsPerRound: number; connections: number },
): Promise<Map<string, LoadResult>> {
  const rounds = new Map<string, RoundResult[]>();
  for (let round = 0; round < options.rounds; round++) {
    for (const target of rotated(targetsForRound(round), round)) {
      const cpuBefore = target.pid === undefined ? undefined : processCpuMs(target.pid);
      const result = await loadRound(target, options.connections, options.secondsPerRound);
      const cpuAfter = target.pid === undefined ? undefined : processCpuMs(target.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) result.cpuMs = cpuAfter - cpuBefore;
      rounds.set(target.name, [...(rounds.get(target.name) ?? []), result]);
    }
  }
  return new Map(
    [...rounds].map(([name, results]) => {
      const completed = results.reduce((sum, r) => sum + r.completed, 0);
      const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
      return [
        name,
        {
          requestsPerSecond: completed / seconds,
          latency: summarise(results.flatMap((r) => r.latencies)),
          completed,
          failed: results.reduce((sum, r) => sum + r.failed, 0),
          seconds,
          requestsPerSecondByRound: spread(results.map((r) => r.completed / r.seconds)),
          cpuMsPerRequest: results.every((r) => r.cpuMs !== undefined)
            ? spread(results.map((r) => (r.cpuMs as number) / Math.max(1, r.completed)))
            : undefined,
        },
      ];
    }),
  );
}
