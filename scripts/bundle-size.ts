/**
 * The Worker bundle and its size budget. Builds the production bundle offline with
 * `wrangler deploy --dry-run` (the exact upload wrangler would send), gzips every uploaded module the way
 * Cloudflare measures the script-size limit, and attributes bytes to dependencies from esbuild's metafile.
 *
 *   tsx scripts/bundle-size.ts [--outdir dist/worker] [--no-build] [--write docs/bench/bundle.md] [--top 12]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * Our own budget: 1 MiB gzipped. Cloudflare refuses scripts over 3 MiB compressed on the free plan
 * (10 MiB paid); staying at a third of that leaves room to grow and keeps cold starts short.
 */
export const BUNDLE_BUDGET_BYTES = 1024 * 1024;
export const DEFAULT_OUTDIR = "dist/worker";
export const METAFILE_NAME = "bundle-meta.json";

export interface ModuleSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface DependencySize {
  /** An npm package name, or "tollgate" for our own src/, durable-objects/ and schema/. */
  name: string;
  /** Bytes this dependency contributes to the uploaded modules, before compression. */
  bytes: number;
}

export interface BundleReport {
  modules: ModuleSize[];
  totalBytes: number;
  totalGzipBytes: number;
  dependencies: DependencySize[];
  budgetBytes: number;
  withinBudget: boolean;
}

/** What esbuild's metafile says about each output file (only the fields we read). */
interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

const OWN_CODE = "tollgate";
/** Files in the outdir that are not uploaded as Worker modules. */
const NOT_UPLOADED = /(\.map|\.md|bundle-meta\.json)$/;

/**
 * `wrangler deploy --dry-run`: bundles with the production environment's settings (minify, compatibility
 * flags, wasm rules) and writes the modules and a metafile to `outdir`. No network, no account needed.
 */
export function buildBundle(outdir: string, env = "production"): { ok: boolean; output: string } {
  const target = path.resolve(outdir);
  // The directory is emptied first; never let a typo point that at the repository or above it.
  if (process.cwd().startsWith(target)) throw new Error(`--outdir ${outdir} would delete the working directory`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const args = [
    "wrangler",
    "deploy",
    "--dry-run",
    "--outdir",
    outdir,
    "--metafile",
    path.join(outdir, METAFILE_NAME),
    "--env",
    env,
  ];
  const result = spawnSync("npx", args, {
    encoding: "utf8",
    // The banner's update check is the one network call a dry run makes; metrics are another.
    env: { ...process.env, WRANGLER_HIDE_BANNER: "true", WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

export function measureBundle(outdir: string, budgetBytes = BUNDLE_BUDGET_BYTES): BundleReport {
  const modules = readdirSync(outdir)
    .filter((file) => !NOT_UPLOADED.test(file))
    .sort()
    .map((file) => {
      const content = readFileSync(path.join(outdir, file));
      return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
  const metafile = JSON.parse(readFileSync(path.join(outdir, METAFILE_NAME), "utf8")) as Metafile;
  const totalGzipBytes = sum(modules.map((m) => m.gzipBytes));
  return {
    modules,
    totalBytes: sum(modules.map((m) => m.bytes)),
    totalGzipBytes,
    dependencies: dependencySizes(metafile, modules),
    budgetBytes,
    withinBudget: totalGzipBytes < budgetBytes,
  };
}

/**
 * Bytes per package, largest first. JavaScript comes from the metafile's `bytesInOutput`; wasm modules are
 * uploaded beside the script (not inlined), so they count under the package whose name they carry.
 */
export function dependencySizes(metafile: Metafile, modules: readonly ModuleSize[]): DependencySize[] {
  const totals = new Map<string, number>();
  const add = (name: string, bytes: number) => totals.set(name, (totals.get(name) ?? 0) + bytes);
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) add(packageOf(input), bytesInOutput);
  }
  // wrangler names them `<hash>-<file>.wasm`; argon2id's simd.wasm and no-simd.wasm are the only ones today.
  for (const wasm of modules.filter((m) => m.file.endsWith(".wasm"))) add(wasmOwner(wasm.file), wasm.bytes);
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; the innermost node_modules wins for nested installs. */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at === -1) return OWN_CODE;
  const first = parts[at + 1] ?? OWN_CODE;
  return first.startsWith("@") ? `${first}/${parts[at + 2] ?? ""}` : first;
}

function wasmOwner(file: string): string {
  return /(^|-)(no-)?simd\.wasm$/.test(file) ? "argon2id" : `wasm: ${file}`;
}

export function renderBundleReport(report: BundleReport, date: string, top = 12): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const share = (bytes: number) => `${((bytes / report.totalBytes) * 100).toFixed(1)} %`;
  const lines = [
    "# Worker bundle size",
    "",
    `Measured ${date} by \`npm run bundle:size\` (scripts/bundle-size.ts) on the output of`,
    "`wrangler deploy --dry-run --env production` (minified, exactly what would be uploaded).",
    "",
    `**Total: ${kib(report.totalGzipBytes)} gzipped** (${kib(report.totalBytes)} uncompressed) — budget ${kib(report.budgetBytes)} gzipped:`,
    `${report.withinBudget ? "within budget" : "OVER BUDGET"}. Cloudflare's limit is 3 MiB compressed on the free plan, 10 MiB on paid plans.`,
    "",
    "| uploaded module | bytes | gzipped |",
    "|---|---:|---:|",
    ...report.modules.map(
      (m) => `| \`${m.file.replace(/^[0-9a-f]{40}-/, "")}\` | ${kib(m.bytes)} | ${kib(m.gzipBytes)} |`,
    ),
    "",
    `Largest dependencies (uncompressed bytes in the uploaded modules, from esbuild's metafile; top ${top}):`,
    "",
    "| dependency | bytes | share |",
    "|---|---:|---:|",
    ...report.dependencies.slice(0, top).map((d) => `| ${d.name} | ${kib(d.bytes)} | ${share(d.bytes)} |`),
    "",
    "Per-dependency figures are before compression: gzip works on the whole script, so they show where",
    "the bytes come from, not what each one costs after compression.",
    "",
  ];
  return lines.join("\n");
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

const HELP = `Usage: tsx scripts/bundle-size.ts [options]

Builds the production Worker bundle offline (wrangler deploy --dry-run) and reports its gzipped size
against the ${BUNDLE_BUDGET_BYTES / 1024 / 1024} MiB budget and the largest dependencies. Exits 1 when over budget.

  --outdir DIR     where the bundle is written (default: ${DEFAULT_OUTDIR})
  --no-build       measure an existing dry-run output in --outdir instead of building
  --write FILE     also write the report as Markdown (e.g. docs/bench/bundle.md)
  --top N          dependencies to list (default: 12)
  -h, --help       this text`;

function main(): void {
  const { values } = parseArgs({
    options: {
      outdir: { type: "string", default: DEFAULT_OUTDIR },
      "no-build": { type: "boolean", default: false },
      write: { type: "string" },
      top: { type: "string", default: "12" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  if (!values["no-build"]) {
    const build = buildBundle(values.outdir);
    if (!build.ok) {
      console.error(build.output);
      console.error("bundle-size: the dry-run build failed");
      process.exit(1);
    }
  }
  const report = measureBundle(values.outdir);
  const markdown = renderBundleReport(report, new Date().toISOString().slice(0, 10), Number(values.top));
  console.log(markdown);
  if (values.write) {
    writeFileSync(values.write, markdown);
    console.error(`bundle-size: wrote ${values.write}`);
  }
  if (!report.withinBudget) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
