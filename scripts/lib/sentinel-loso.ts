/**
 * Leave-one-source-out figures for Sentinel: for each dataset of the public training rows, a model trained
 * on every other dataset's rows (project files included) scores the left-out one, together with the
 * patterns, exactly as scoreInjection does in the Worker. The gap between these and the dev-set figures is
 * how much of the model's skill is memory of its sources.
 */
import { type LearnedModel, PATTERNS_ONLY } from "../../src/guardrails/sentinel/model";
import { scoreInjection } from "../../src/guardrails/sentinel/score";
import {
  featurise,
  type LabelledText,
  logit,
  MAX_BENIGN_FPR,
  seededOrder,
  sigmoid,
  type SparseVector,
  thresholdForFpr,
  TRAINING,
  trainModel,
} from "./sentinel-train";

export interface SourceFigures {
  dataset: string;
  injections: number;
  caught: number;
  benign: number;
  flagged: number;
  /** The same rows with the patterns alone: the baseline the model adds to. */
  patternsCaught: number;
  patternsFlagged: number;
}

/** A row's dataset: the repository its source names (`owner/repo:path` → `owner/repo`). */
export function datasetOf(row: LabelledText): string {
  return row.source.split(":")[0] ?? row.source;
}

/**
 * Trains on four fifths (seeded split) and sets the threshold on the held-out fifth's benign rows, so
 * the threshold is never chosen on rows the model learnt from. One training per call.
 */
export function calibratedModel(vectors: readonly SparseVector[], labels: readonly number[]): LearnedModel {
  const order = seededOrder(vectors.length, TRAINING.seed);
  const held = new Set(order.filter((_, rank) => rank % 5 === 0));
  const train = order.filter((row) => !held.has(row));
  const model = trainModel(
    train.map((row) => vectors[row] as SparseVector),
    train.map((row) => labels[row] ?? 0),
  );
  const heldBenign = [...held].filter((row) => labels[row] === 0);
  const threshold = thresholdForFpr(
    heldBenign.map((row) => sigmoid(logit(model, vectors[row] as SparseVector))),
    MAX_BENIGN_FPR,
  );
  return { weights: model.weights, bias: model.bias, threshold };
}

export function leaveOneSourceOut(
  trainingRows: readonly LabelledText[],
  publicRows: readonly LabelledText[],
): SourceFigures[] {
  const vectors = trainingRows.map((row) => featurise(row.text));
  const labels = trainingRows.map((row) => (row.label === "injection" ? 1 : 0));
  const datasets = [...new Set(publicRows.map(datasetOf))].sort();
  return datasets.map((dataset) => {
    const kept = trainingRows.flatMap((row, index) => (datasetOf(row) === dataset ? [] : [index]));
    const model = calibratedModel(
      kept.map((index) => vectors[index] as SparseVector),
      kept.map((index) => labels[index] ?? 0),
    );
    const figures: SourceFigures = {
      dataset,
      injections: 0,
      caught: 0,
      benign: 0,
      flagged: 0,
      patternsCaught: 0,
      patternsFlagged: 0,
    };
    for (const row of publicRows) {
      if (datasetOf(row) !== dataset) continue;
      const flagged = scoreInjection(row.text, { model }).flagged;
      const patterns = scoreInjection(row.text, { model: PATTERNS_ONLY }).flagged;
      if (row.label === "injection") {
        figures.injections++;
        if (flagged) figures.caught++;
        if (patterns) figures.patternsCaught++;
      } else {
        figures.benign++;
        if (flagged) figures.flagged++;
        if (patterns) figures.patternsFlagged++;
      }
    }
    return figures;
  });
}
