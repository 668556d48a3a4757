/**
 * Writes BENCHMARKS.md from the per-area reports in docs/bench/ (each produced by its own script, see its
 * header), after a hand-kept summary in docs/bench/SUMMARY.md. Run after any benchmark script:
 *
 *   tsx scripts/collect-benchmarks.ts
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(
    "Usage: tsx scripts/collect-benchmarks.ts\nConcatenates docs/bench/SUMMARY.md and docs/bench/*.md into BENCHMARKS.md.",
  );
  process.exit(0);
}

const dir = "docs/bench";
const order = ["gateway.md", "guardrails.md", "gate.md", "memory.md", "bundle.md"];
const files = readdirSync(dir)
  .filter((file) => file.endsWith(".md") && file !== "SUMMARY.md")
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const demote = (markdown: string) => markdown.replace(/^(#{1,5}) /gm, "#$1 ");
const sections = files.map(
  (file) => `<!-- from ${join(dir, file)} -->\n${demote(readFileSync(join(dir, file), "utf8").trim())}\n`,
);
writeFileSync("BENCHMARKS.md", `${readFileSync(join(dir, "SUMMARY.md"), "utf8").trim()}\n\n${sections.join("\n")}`);
console.log(`BENCHMARKS.md written from ${files.length} reports`);

function rank(file: string): number {
  const index = order.indexOf(file);
  return index === -1 ? order.length : index;
}
