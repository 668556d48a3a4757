/**
 * Offline training of Sentinel's hashed n-gram logistic regression (see src/guardrails/sentinel/model.ts).
 * Deterministic: rows in a fixed order, seeded fold split and epoch orders, so the same inputs give
 * byte-identical weights. Used by scripts/train-sentinel.ts and by the leave-one-source-out
 * figures of scripts/eval-guardrails.ts.
 */
import { BUCKETS, forEachFeature } from "../../src/guardrails/sentinel/features";
import { WINDOW } from "../../src/guardrails/sentinel/model";
import { normaliseToScratch } from "../../src/guardrails/sentinel/normalise";

export interface LabelledText {
  text: string;
  label: "injection" | "benign";
  source: string;
}

/** A text as sparse counts over √(feature count): the vector the Worker model scores for one window. */
export interface SparseVector {
  buckets: Int32Array;
  values: Float32Array;
}

export interface FloatModel {
  bias: number;
  weights: Float32Array;
}

/**
 * The share of held-out benign rows the model alone may flag; its threshold is set there. 1%, under the 2%
 * target, because text from unseen sources is flagged more often than held-out rows of seen ones.
 */
export const MAX_BENIGN_FPR = 0.01;

export const TRAINING = { epochs: 12, learningRate: 0.15, l2: 1e-5, seed: 22, maxChars: WINDOW } as const;

/**
 * A text as the Worker model sees one window of it: cut at `maxChars` (one window), counts divided by the
 * square root of the feature count. The cut also keeps training fast enough for leave-one-out runs.
 */
export function featurise(text: string): SparseVector {
  const touched: number[] = [];
  let total = 0;
  forEachFeature(normaliseToScratch(text.slice(0, TRAINING.maxChars)), (bucket) => {
    if (scratchCounts[bucket] === 0) touched.push(bucket);
    scratchCounts[bucket] = (scratchCounts[bucket] ?? 0) + 1;
    total++;
  });
  const buckets = Int32Array.from(touched);
  const norm = Math.sqrt(Math.max(1, total));
  const values = Float32Array.from(touched, (bucket) => (scratchCounts[bucket] ?? 0) / norm);
  for (const bucket of touched) scratchCounts[bucket] = 0;
  return { buckets, values };
}
const scratchCounts = new Uint32Array(BUCKETS);

export function logit(model: FloatModel, vector: SparseVector): number {
  let z = model.bias;
  for (let i = 0; i < vector.buckets.length; i++)
    z += (model.weights[vector.buckets[i] ?? 0] ?? 0) * (vector.values[i] ?? 0);
  return z;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export interface TrainOptions {
  /** Multiplies the loss of benign rows on top of class balancing: > 1 trades recall for fewer false positives. */
  benignWeight?: number;
}

/**
 * Class-balanced logistic loss with L2, per-row AdaGrad steps in a seeded order per epoch: a dozen passes
 * reach what full-batch descent needs a hundred and more for, and the same inputs give the same weights.
 */
export function trainModel(
  vectors: readonly SparseVector[],
  labels: readonly number[],
  options: TrainOptions = {},
): FloatModel {
  const weights = new Float32Array(BUCKETS);
  const squared = new Float64Array(BUCKETS + 1);
  const positives = labels.filter((label) => label === 1).length;
  const classWeight = [
    (vectors.length / (2 * Math.max(1, vectors.length - positives))) * (options.benignWeight ?? 1),
    vectors.length / (2 * Math.max(1, positives)),
  ];
  let bias = 0;
  const { epochs, learningRate, l2, seed } = TRAINING;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const row of seededOrder(vectors.length, seed + epoch)) {
      const vector = vectors[row] as SparseVector;
      const y = labels[row] ?? 0;
      const g = (sigmoid(logit({ bias, weights }, vector)) - y) * (classWeight[y] ?? 1);
      for (let i = 0; i < vector.buckets.length; i++) {
        const bucket = vector.buckets[i] ?? 0;
        const current = weights[bucket] ?? 0;
        const step = g * (vector.values[i] ?? 0) + l2 * current;
        squared[bucket] = (squared[bucket] ?? 0) + step * step;
        weights[bucket] = current - (learningRate * step) / (Math.sqrt(squared[bucket] ?? 0) + 1e-8);
      }
      squared[BUCKETS] = (squared[BUCKETS] ?? 0) + g * g;
      bias -= (learningRate * g) / (Math.sqrt(squared[BUCKETS] ?? 0) + 1e-8);
    }
  }
  return { bias, weights };
}

/** Seeded Fisher–Yates (mulberry32): the fold split is the same on every run. */
export function seededOrder(length: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return order;
}

/** Out-of-fold probabilities from k-fold cross-validation: each row scored by a model that never saw it. */
export function crossValidatedProbabilities(
  vectors: readonly SparseVector[],
  labels: readonly number[],
  folds = 5,
): number[] {
  const order = seededOrder(vectors.length, TRAINING.seed);
  const foldOf = new Int32Array(vectors.length);
  order.forEach((row, rank) => {
    foldOf[row] = rank % folds;
  });
  const out = new Array<number>(vectors.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const train = vectors.flatMap((_, row) => (foldOf[row] === fold ? [] : [row]));
    const model = trainModel(
      train.map((row) => vectors[row] as SparseVector),
      train.map((row) => labels[row] ?? 0),
    );
    vectors.forEach((vector, row) => {
      if (foldOf[row] === fold) out[row] = sigmoid(logit(model, vector));
    });
  }
  return out;
}

/**
 * The lowest probability threshold at which at most `maxFpr` of the benign rows are flagged, among the
 * given (out-of-fold) benign probabilities.
 */
export function thresholdForFpr(benignProbabilities: readonly number[], maxFpr: number): number {
  const sorted = [...benignProbabilities].sort((a, b) => b - a);
  const allowed = Math.floor(sorted.length * maxFpr);
  const boundary = sorted[allowed] ?? 0;
  return Math.min(0.99, boundary + 1e-6);
}

/** int8 weights with one scale, as base64: 64 KB of buckets is ~87 KB of JSON. */
export function quantise(model: FloatModel): { scale: number; bias: number; weights: string } {
  let largest = 0;
  for (const weight of model.weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest / 127 || 1;
  const bytes = new Uint8Array(model.weights.length);
  model.weights.forEach((weight, i) => {
    bytes[i] = Math.round(weight / scale) & 0xff;
  });
  return { scale, bias: model.bias, weights: Buffer.from(bytes).toString("base64") };
}
