import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LabelledText } from "./sentinel-train";

/** Benign text committed with the project (own prompts; an MIT-licensed role-play sample, see docs/guardrails.md). */
const PROJECT_FILES = [
  "scripts/data/sentinel-benign.jsonl",
  "scripts/data/sentinel-hard-negatives.jsonl",
  "scripts/data/sentinel-injections.jsonl",
  "scripts/data/gpteacher-roleplay.sample.jsonl",
  "scripts/data/gsm8k.sample.jsonl",
  "scripts/data/jailbreak-llms.sample.jsonl",
  "scripts/data/deepset-prompt-injections.rest.jsonl",
  "scripts/data/ud-treebanks.sample.jsonl",
  "scripts/data/xquad.sample.jsonl",
  "scripts/data/humaneval.sample.jsonl",
];

/** Public training rows plus the project's own benign prompts, in file order (the trainer's fixed order). */
export function loadTrainingRows(repoRoot: string): LabelledText[] {
  const evalDir = process.env.TOLLGATE_EVAL_DIR ?? path.resolve(repoRoot, "../shared/eval");
  const publicRows = path.join(evalDir, "public/injection.public-train.jsonl");
  if (!existsSync(publicRows)) throw new Error(`missing ${publicRows} (set TOLLGATE_EVAL_DIR)`);
  return [publicRows, ...PROJECT_FILES.map((file) => path.join(repoRoot, file))].flatMap((file) =>
    readJsonl<LabelledText>(file),
  );
}

export function readJsonl<T = LabelledText>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
