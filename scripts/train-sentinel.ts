/**
 * Trains Sentinel's learned stage and writes src/guardrails/sentinel/model-weights.json. Deterministic:
 * fixed input order, fixed seed, full-batch optimisation. Inputs: the public training rows
 * (../shared/eval/public/injection.public-train.jsonl or $TOLLGATE_EVAL_DIR/public), the project's own
 * benign prompts (scripts/data/sentinel-benign.jsonl), and optionally the Stanford Alpaca seed tasks from a
 * fetched checkout (`--alpaca <path to seed_tasks.jsonl>`; CC BY-NC data, so read, never committed).
 * The threshold is the one at which ≤ MAX_BENIGN_FPR of benign rows are flagged in 5-fold cross-validation.
 *
 *   npm run train:sentinel [-- --alpaca /path/seed_tasks.jsonl] [-- --check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUCKET_BITS } from "../src/guardrails/sentinel/features";
import {
  crossValidatedProbabilities,
  featurise,
  type LabelledText,
  MAX_BENIGN_FPR,
  quantise,
  thresholdForFpr,
  trainModel,
  TRAINING,
} from "./lib/sentinel-train";
import { loadTrainingRows } from "./lib/sentinel-data";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const alpacaArg = process.argv.indexOf("--alpaca");
const alpaca = alpacaArg > 0 ? process.argv[alpacaArg + 1] : undefined;
const output = path.join(repoRoot, "src/guardrails/sentinel/model-weights.json");

const rows: LabelledText[] = [...loadTrainingRows(repoRoot), ...(alpaca ? alpacaRows(alpaca) : [])];
const vectors = rows.map((row) => featurise(row.text));
const labels = rows.map((row) => (row.label === "injection" ? 1 : 0));
const started = Date.now();
const outOfFold = crossValidatedProbabilities(vectors, labels);
const threshold = thresholdForFpr(
  outOfFold.filter((_, row) => labels[row] === 0),
  MAX_BENIGN_FPR,
);
const caught = outOfFold.filter((p, row) => labels[row] === 1 && p >= threshold).length;
const positives = labels.filter((label) => label === 1).length;
console.log(
  `${rows.length} rows (${positives} injections); 5-fold CV at threshold ${threshold.toFixed(4)}: model recall ${(caught / positives).toFixed(3)}`,
);
const model = quantise(trainModel(vectors, labels));
const file = {
  version: `sentinel-lr-${BUCKET_BITS}b-v2`,
  bucketBits: BUCKET_BITS,
  trainedOn: {
    rows: rows.length,
    injections: positives,
    alpacaSeedTasks: alpaca !== undefined,
    maxBenignFpr: MAX_BENIGN_FPR,
    ...TRAINING,
  },
  threshold: Number(threshold.toFixed(6)),
  scale: Number(model.scale.toPrecision(8)),
  bias: Number(model.bias.toPrecision(8)),
  weights: model.weights,
};
writeFileSync(output, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${path.relative(repoRoot, output)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Alpaca seed tasks: instruction plus the first instance's input, as a user would paste them. */
function alpacaRows(file: string): LabelledText[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const task = JSON.parse(line) as { instruction: string; instances?: { input?: string }[] };
      const input = task.instances?.[0]?.input ?? "";
      return {
        text: input ? `${task.instruction}\n\n${input}` : task.instruction,
        label: "benign" as const,
        source: "tatsu-lab/stanford_alpaca:seed_tasks.jsonl(full)",
      };
    });
}
