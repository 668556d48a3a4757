/**
 * Offline training of Sentinel's hashed n-gram logistic regression (see src/guardrails/sentinel/model.ts).
 * Deterministic: rows in a fixed order, a seeded fold split, full-batch Adam (no sampling), so the same
 * inputs give byte-identical weights. Used by scripts/train-sentinel.ts and by the leave-one-source-out
 * figures of scripts/eval-guardrails.ts.
 */
import { BUCKETS, forEachFeature } from "../../src/guardrails/sentinel/features";
import { normaliseToScratch } from "../../src/guardrails/sentinel/normalise";

export interface LabelledText {
  text: string;
  label: "injection" | "benign";
  source: string;
}

/** A text as sparse mean counts: the same vector the Worker model scores for a text of one window. */
export interface SparseVector {
  buckets: Int32Array;
  values: Float32Array;
}

export interface FloatModel {
  bias: number;
  weights: Float32Array;
}

export const TRAINING = { epochs: 160, learningRate: 0.08, l2: 2e-6, seed: 22 } as const;

export function featurise(text: string): SparseVector {
  const counts = new Map<number, number>();
  let total = 0;
  forEachFeature(normaliseToScratch(text), (bucket) => {
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    total++;
  });
  const buckets = Int32Array.from(counts.keys());
  const values = Float32Array.from(counts.values(), (count) => count / Math.max(1, total));
  return { buckets, values };
}

export function logit(model: FloatModel, vector: SparseVector): number {
  let z = model.bias;
  for (let i = 0; i < vector.buckets.length; i++)
    z += (model.weights[vector.buckets[i] ?? 0] ?? 0) * (vector.values[i] ?? 0);
  return z;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Class-balanced logistic loss with L2, full-batch Adam. */
export function trainModel(vectors: readonly SparseVector[], labels: readonly number[]): FloatModel {
  const weights = new Float32Array(BUCKETS);
  const m = new Float64Array(BUCKETS + 1);
  const v = new Float64Array(BUCKETS + 1);
  const grad = new Float64Array(BUCKETS + 1);
  const positives = labels.filter((label) => label === 1).length;
  const classWeight = [
    vectors.length / (2 * Math.max(1, vectors.length - positives)),
    vectors.length / (2 * Math.max(1, positives)),
  ];
  let bias = 0;
  const { epochs, learningRate, l2 } = TRAINING;
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    grad.fill(0);
    vectors.forEach((vector, row) => {
      const y = labels[row] ?? 0;
      const g = (sigmoid(logit({ bias, weights }, vector)) - y) * (classWeight[y] ?? 1);
      for (let i = 0; i < vector.buckets.length; i++) {
        const bucket = vector.buckets[i] ?? 0;
        grad[bucket] = (grad[bucket] ?? 0) + g * (vector.values[i] ?? 0);
      }
      grad[BUCKETS] = (grad[BUCKETS] ?? 0) + g;
    });
    const correction1 = 1 - beta1 ** epoch;
    const correction2 = 1 - beta2 ** epoch;
    for (let j = 0; j <= BUCKETS; j++) {
      const current = j === BUCKETS ? bias : (weights[j] ?? 0);
      const g = (grad[j] ?? 0) / vectors.length + (j === BUCKETS ? 0 : l2 * current);
      m[j] = beta1 * (m[j] ?? 0) + (1 - beta1) * g;
      v[j] = beta2 * (v[j] ?? 0) + (1 - beta2) * g * g;
      const step = (learningRate * ((m[j] ?? 0) / correction1)) / (Math.sqrt((v[j] ?? 0) / correction2) + 1e-8);
      if (j === BUCKETS) bias -= step;
      else weights[j] = current - step;
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
