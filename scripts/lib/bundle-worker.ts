import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Bundles a benchmark Worker written inline (it imports project modules by absolute path) into one ES module
 * for Miniflare, resolved the way workerd resolves packages.
 */
export async function bundleWorkerSource(source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-worker-"));
  try {
    const entry = join(dir, "bench-worker.js");
    writeFileSync(entry, source);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*", "node:*"],
      absWorkingDir: ROOT,
      nodePaths: [join(ROOT, "node_modules")],
    });
    return result.outputFiles[0]!.text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
