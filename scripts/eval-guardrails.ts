/**
 * Scores PII Shield and Sentinel on labelled JSONL sets and exits non-zero when a floor is missed, so CI
 * can run it. Sets: the shared development sets (`../shared/eval/` from the repo root, or $TOLLGATE_EVAL_DIR)
 * and the project's own examples in test/fixtures/guardrails/. Scoring follows the sets' README: a predicted
 * PII span is a true positive when its type matches and it overlaps a labelled span of that type.
 *
 *   npm run eval:guardrails [-- --markdown]
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isPiiEntity, PII_ENTITIES, type PiiEntity, type PiiSpan } from "../src/guardrails/pii/entities";
import { detectPii } from "../src/guardrails/pii/scan";
import { PATTERNS_ONLY } from "../src/guardrails/sentinel/model";
import { scoreInjection } from "../src/guardrails/sentinel/score";
import { loadTrainingRows, readJsonl } from "./lib/sentinel-data";
import { leaveOneSourceOut, type SourceFigures } from "./lib/sentinel-loso";

const FLOOR_ENTITIES: readonly PiiEntity[] = ["EMAIL", "PHONE", "CREDIT_CARD", "SSN", "IBAN", "IP_ADDRESS", "SECRET"];
const FLOORS = { piiPrecision: 0.95, piiRecall: 0.9, injectionRecall: 0.85, benignFpr: 0.03 };
/**
 * Leave-one-source-out floors: each dataset scored by a model that never saw it. Set at the figures
 * measured when they were introduced (docs/guardrails.md) minus a margin of about 0.05 for recall and 0.01
 * for the benign rate, so a change that loses generalisation fails here even when the dev set still passes.
 */
const UNSEEN_FLOORS = { overallRecall: 0.43, overallFpr: 0.03 };
const UNSEEN_DATASET_FLOORS: Record<string, { recall?: number; fpr?: number }> = {
  "Giskard-AI/giskard": { recall: 0.9 },
  "sinanw/llm-security-prompt-injection": { recall: 0.27, fpr: 0.02 },
  "tatsu-lab/stanford_alpaca": { fpr: 0.07 },
  "yunwei37/satml-llmail-injection": { recall: 0.49 },
};

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
failed = reportUnseenSources() || failed;
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
  let patternsCaught = 0;
  for (const row of rows) {
    const flagged = scoreInjection(row.text).flagged;
    if (row.label === "injection" && scoreInjection(row.text, { model: PATTERNS_ONLY }).flagged) patternsCaught++;
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
    ["recall", "benign FP rate", "precision", "F1", "recall, patterns alone", "floor"],
    [
      [
        fmt(recall),
        fmt(fpr),
        fmt(precision),
        fmt(f1),
        fmt(patternsCaught / Math.max(1, c.tp + c.fn)),
        missed ? "MISSED" : "met",
      ],
    ],
  );
  return missed;
}

/** Public training rows, each dataset scored by a model trained without it (scripts/lib/sentinel-loso.ts). */
function reportUnseenSources(): boolean {
  const publicFile = path.join(evalDir, "public/injection.public-train.jsonl");
  if (!existsSync(publicFile)) {
    console.error(`missing ${publicFile}: leave-one-source-out figures need the public training rows`);
    return true;
  }
  const started = Date.now();
  const figures = leaveOneSourceOut(loadTrainingRows(repoRoot), readJsonl(publicFile));
  let missed = false;
  const table = figures.map((f) => {
    const recall = f.injections === 0 ? undefined : f.caught / f.injections;
    const fpr = f.benign === 0 ? undefined : f.flagged / f.benign;
    const floor = UNSEEN_DATASET_FLOORS[f.dataset] ?? {};
    const ok =
      (recall === undefined || recall >= (floor.recall ?? 0)) && (fpr === undefined || fpr <= (floor.fpr ?? 1));
    if (!ok) missed = true;
    return [
      f.dataset,
      recall === undefined ? "-" : `${fmt(recall)} (${f.caught}/${f.injections})`,
      fpr === undefined ? "-" : `${fmt(fpr)} (${f.flagged}/${f.benign})`,
      recall === undefined ? fmt(f.patternsFlagged / f.benign) : fmt(f.patternsCaught / f.injections),
      ok ? "met" : "MISSED",
    ];
  });
  const sum = (pick: (f: SourceFigures) => number) => figures.reduce((total, f) => total + pick(f), 0);
  const injections = Math.max(
    1,
    sum((f) => f.injections),
  );
  const benign = Math.max(
    1,
    sum((f) => f.benign),
  );
  const caught = sum((f) => f.caught);
  const flagged = sum((f) => f.flagged);
  const allOk = caught / injections >= UNSEEN_FLOORS.overallRecall && flagged / benign <= UNSEEN_FLOORS.overallFpr;
  if (!allOk) missed = true;
  table.push([
    "all, each unseen",
    `${fmt(caught / injections)} (${caught}/${injections})`,
    `${fmt(flagged / benign)} (${flagged}/${benign})`,
    `${fmt(sum((f) => f.patternsCaught) / injections)} / ${fmt(sum((f) => f.patternsFlagged) / benign)}`,
    allOk ? "met" : "MISSED",
  ]);
  printTable(
    `Injection — public training rows, leave one source out (patterns + a model trained without that dataset; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
    ["left-out dataset", "recall", "benign FP rate", "patterns alone", "floor"],
    table,
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
