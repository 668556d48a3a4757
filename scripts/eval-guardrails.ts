/**
 * Scores PII Shield and Sentinel on labelled JSONL sets and exits non-zero when a floor is missed, so CI
 * can run it. Sets: the shared development sets (`../shared/eval/` from the repo root, or $TOLLGATE_EVAL_DIR)
 * and the project's own examples in test/fixtures/guardrails/. Scoring follows the sets' README: a predicted
 * PII span is a true positive when its type matches and it overlaps a labelled span of that type.
 *
 *   npm run eval:guardrails [-- --markdown]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isPiiEntity, PII_ENTITIES, type PiiEntity, type PiiSpan } from "../src/guardrails/pii/entities";
import { detectPii } from "../src/guardrails/pii/scan";
import { scoreInjection } from "../src/guardrails/sentinel/score";

const FLOOR_ENTITIES: readonly PiiEntity[] = ["EMAIL", "PHONE", "CREDIT_CARD", "SSN", "IBAN", "IP_ADDRESS", "SECRET"];
const FLOORS = { piiPrecision: 0.95, piiRecall: 0.9, injectionRecall: 0.85, benignFpr: 0.03 };

interface PiiRow {
  text: string;
  entities: PiiSpan[];
}
interface InjectionRow {
  text: string;
  label: "injection" | "benign";
}
interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

if (process.argv.includes("--help")) {
  console.log(
    "Usage: tsx scripts/eval-guardrails.ts [--markdown]\nEval dir: $TOLLGATE_EVAL_DIR or <repo>/../shared/eval",
  );
  process.exit(0);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const evalDir = process.env.TOLLGATE_EVAL_DIR ?? path.resolve(repoRoot, "../shared/eval");
const fixtureDir = path.join(repoRoot, "test/fixtures/guardrails");
const markdown = process.argv.includes("--markdown");

const sets = [
  { name: "dev", pii: path.join(evalDir, "pii.dev.jsonl"), injection: path.join(evalDir, "injection.dev.jsonl") },
  { name: "project", pii: path.join(fixtureDir, "pii.jsonl"), injection: path.join(fixtureDir, "injection.jsonl") },
];

let failed = false;
for (const set of sets) {
  if (!existsSync(set.pii) || !existsSync(set.injection)) {
    console.error(`missing eval files for set "${set.name}" (${set.pii}, ${set.injection})`);
    failed = true;
    continue;
  }
  failed = reportPii(set.name, readJsonl<PiiRow>(set.pii)) || failed;
  failed = reportInjection(set.name, readJsonl<InjectionRow>(set.injection)) || failed;
}
console.log(failed ? "\nFAIL: a floor was missed." : "\nOK: every floor met.");
process.exit(failed ? 1 : 0);

function reportPii(setName: string, rows: readonly PiiRow[]): boolean {
  const counts = new Map<PiiEntity, Counts>(PII_ENTITIES.map((entity) => [entity, { tp: 0, fp: 0, fn: 0 }]));
  let negativeRows = 0;
  let negativeRowsWithHits = 0;
  for (const row of rows) {
    const labelled = row.entities.filter((span) => isPiiEntity(span.type));
    const predicted = detectPii(row.text);
    for (const span of predicted) {
      const bucket = counts.get(span.type);
      if (bucket) labelled.some((gold) => sameTypeOverlap(gold, span)) ? bucket.tp++ : bucket.fp++;
    }
    for (const gold of labelled) {
      const bucket = counts.get(gold.type);
      if (bucket && !predicted.some((span) => sameTypeOverlap(gold, span))) bucket.fn++;
    }
    if (labelled.length === 0) {
      negativeRows++;
      if (predicted.length > 0) negativeRowsWithHits++;
    }
  }
  const header = ["type", "precision", "recall", "F1", "tp", "fp", "fn", "floor"];
  const table: string[][] = [];
  let missed = false;
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const [entity, c] of counts) {
    if (c.tp + c.fp + c.fn === 0) continue;
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
    const { precision, recall, f1 } = prf(c);
    const gated = FLOOR_ENTITIES.includes(entity);
    const ok = !gated || (precision >= FLOORS.piiPrecision && recall >= FLOORS.piiRecall);
    if (!ok) missed = true;
    table.push([
      entity,
      fmt(precision),
      fmt(recall),
      fmt(f1),
      `${c.tp}`,
      `${c.fp}`,
      `${c.fn}`,
      gated ? (ok ? "met" : "MISSED") : "-",
    ]);
  }
  const overall = prf(total);
  table.push([
    "overall",
    fmt(overall.precision),
    fmt(overall.recall),
    fmt(overall.f1),
    `${total.tp}`,
    `${total.fp}`,
    `${total.fn}`,
    "",
  ]);
  printTable(
    `PII — ${setName} set (${rows.length} texts; ${negativeRowsWithHits}/${negativeRows} look-alike texts with any detection)`,
    header,
    table,
  );
  return missed;
}

function reportInjection(setName: string, rows: readonly InjectionRow[]): boolean {
  const c: Counts = { tp: 0, fp: 0, fn: 0 };
  let benign = 0;
  for (const row of rows) {
    const flagged = scoreInjection(row.text).flagged;
    if (row.label === "injection") flagged ? c.tp++ : c.fn++;
    else {
      benign++;
      if (flagged) c.fp++;
    }
  }
  const { precision, recall, f1 } = prf(c);
  const fpr = benign === 0 ? 0 : c.fp / benign;
  const missed = recall < FLOORS.injectionRecall || fpr > FLOORS.benignFpr;
  printTable(
    `Injection — ${setName} set (${c.tp + c.fn} injections, ${benign} benign)`,
    ["recall", "benign FP rate", "precision", "F1", "floor"],
    [[fmt(recall), fmt(fpr), fmt(precision), fmt(f1), missed ? "MISSED" : "met"]],
  );
  return missed;
}

function sameTypeOverlap(gold: PiiSpan, span: PiiSpan): boolean {
  return gold.type === span.type && gold.start < span.end && span.start < gold.end;
}

function prf({ tp, fp, fn }: Counts) {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

function fmt(value: number): string {
  return value.toFixed(3);
}

function printTable(title: string, header: string[], rows: string[][]): void {
  if (markdown) {
    console.log(`\n**${title}**\n\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
    for (const row of rows) console.log(`| ${row.join(" | ")} |`);
    return;
  }
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`\n${title}\n${line(header)}`);
  for (const row of rows) console.log(line(row));
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
