/**
 * Builds the tenant-admin dashboard into dashboard/dist with esbuild (already present as wrangler's own
 * bundler): one ES module, one stylesheet (uPlot's CSS included), and index.html. About a second.
 *
 *   tsx dashboard/build.ts [--watch]
 */
import { build, context, type BuildOptions } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = resolve(import.meta.dirname);
export const DASHBOARD_DIST = join(ROOT, "dist");

const options: BuildOptions = {
  entryPoints: { app: join(ROOT, "src/main.ts") },
  outdir: DASHBOARD_DIST,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
};

/** Builds once; returns the output directory. The directory itself stays (wrangler's [assets] needs it). */
export async function buildDashboard(): Promise<string> {
  mkdirSync(DASHBOARD_DIST, { recursive: true });
  copyFileSync(join(ROOT, "index.html"), join(DASHBOARD_DIST, "index.html"));
  await build(options);
  return DASHBOARD_DIST;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(
      "Usage: tsx dashboard/build.ts [--watch]\nBuilds dashboard/dist (served at /dashboard/ on the API host).",
    );
  } else if (process.argv.includes("--watch")) {
    await buildDashboard();
    await (await context(options)).watch();
    console.log(`dashboard: watching, output in ${DASHBOARD_DIST}`);
  } else {
    await buildDashboard();
    console.log(`dashboard: built ${DASHBOARD_DIST}`);
  }
}
