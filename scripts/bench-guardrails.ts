/**
 * Speed of both detectors on realistic prompts of 1 KB, 10 KB and 100 KB: median and p99 per size, and the
 * per-KB cost ratio between sizes (≈1 when cost is linear). Prompts mix prose, code, numbers and a sprinkle
 * of PII and injection cues, generated deterministically so runs are comparable.
 *
 *   npm run bench:guardrails [-- --markdown] [-- --runs 200]
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { detectPii } from "../src/guardrails/pii/scan";
import { scoreInjection } from "../src/guardrails/sentinel/score";

if (process.argv.includes("--help")) {
  console.log("Usage: tsx scripts/bench-guardrails.ts [--markdown] [--runs N]");
  process.exit(0);
}
const markdown = process.argv.includes("--markdown");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;
const SIZES = [1_024, 10_240, 102_400];
const TARGET_100KB_MEDIAN_MS = 5;

const SNIPPETS = [
  "Summarise the quarterly report and list the three biggest risks for the board. ",
  "function add(a, b) { return a + b; } // version 2.14.3, build 2024-03-13 ",
  "The order #48213 shipped on 2024-03-20 with tracking 1Z999AA10123456784 and cost $1,299.99. ",
  "Please email me at jane.doe@example.com or call +44 20 7946 0958 about invoice INV-2024-00131. ",
  "Hash 5ebcef3f211081895fa0ea77b10e6c4572c15a0e, UUID 0df1e37e-b2a1-8a45-d9e7-fc0839802a57. ",
  "Act as a helpful tutor and explain what the system prompt of a chatbot does. ",
  "Server 10.0.12.7 returned 503; retry after 30000 ms with exponential backoff. ",
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. ",
];

/**
 * Snippets in a seeded pseudo-random order. The LCG runs in 32-bit integer arithmetic (`Math.imul`): in
 * doubles the product overflows 2^53 and the low bits collapse to zero, which once made every "prompt"
 * one snippet repeated. The high bits pick the snippet because an LCG's low bits have short periods.
 */
function prompt(bytes: number, seed: number): string {
  let out = "";
  let state = seed >>> 0;
  while (out.length < bytes) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out += SNIPPETS[(state >>> 16) % SNIPPETS.length];
  }
  return out.slice(0, bytes);
}

/**
 * Wall-clock median and p99 (the target is on wall time), plus the median process CPU time: on a loaded
 * machine a call longer than a scheduler slice is often descheduled mid-run, and CPU time shows the
 * detector's own cost apart from that wait.
 */
function measure(run: (text: string) => unknown, text: string): { median: number; p99: number; cpu: number } {
  for (let i = 0; i < 20; i++) run(text); // warm the JIT and the regex compiler
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run(text);
    samples.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  return {
    median: samples[middle] ?? 0,
    p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] ?? 0,
    cpu: cpu[middle] ?? 0,
  };
}

const detectors = [
  { name: "PII Shield (all entities)", run: (text: string) => detectPii(text) },
  { name: "Sentinel (normalise + decode + score)", run: (text: string) => scoreInjection(text) },
];

const rows: string[][] = [];
const missed: string[] = [];
for (const detector of detectors) {
  const medians: number[] = [];
  for (const size of SIZES) {
    const { median, p99, cpu } = measure(detector.run, prompt(size, size));
    medians.push(median);
    if (size === 102_400 && median > TARGET_100KB_MEDIAN_MS) missed.push(detector.name);
    const perKb = median / (size / 1024);
    rows.push([
      detector.name,
      `${size / 1024} KB`,
      median.toFixed(3),
      p99.toFixed(3),
      cpu.toFixed(3),
      (perKb * 1000).toFixed(1),
    ]);
  }
  const ratio = (medians[2] ?? 0) / 100 / ((medians[1] ?? 1) / 10);
  rows.push([detector.name, "100 KB vs 10 KB per-KB cost", ratio.toFixed(2), "", "", ""]);
}

const header = ["detector", "prompt", "median ms", "p99 ms", "CPU median ms", "µs per KB"];
if (markdown) {
  console.log(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
} else {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
}
console.log(
  `\nNode ${process.version}, ${RUNS} runs per cell, load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs. Target: 100 KB median under ${TARGET_100KB_MEDIAN_MS} ms — ${missed.length > 0 ? `MISSED by ${missed.join(", ")}` : "met"}.`,
);
process.exit(missed.length > 0 ? 1 : 0);
