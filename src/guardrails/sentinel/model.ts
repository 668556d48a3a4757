import { z } from "zod";
import { BUCKET_BITS, BUCKETS, forEachFeature } from "./features";
import weightsFile from "./model-weights.json";

/**
 * Sentinel's learned stage: logistic regression over hashed n-grams (features.ts), weights trained offline
 * by `npm run train:sentinel` and shipped as int8 in model-weights.json. A text is scored in windows of
 * WINDOW code units (stride WINDOW/2) and the most suspicious window wins, so an injection pasted into a
 * long document is not averaged away by the document. A window's logit is bias + Σ weights / √(feature
 * count): dividing by the count (a mean) let a short injection drown in its own sentence, and cross-
 * validated recall at 1% false positives rose from 0.49 to 0.81 with the square root. Cost: one feature
 * pass and one prefix-sum pass.
 */
const WeightsFile = z.object({
  version: z.string(),
  bucketBits: z.literal(BUCKET_BITS),
  scale: z.number().positive(),
  bias: z.number(),
  threshold: z.number().gt(0).lt(1),
  weights: z.string(),
});

/** A linear model over the hashed features; the eval builds others from its own training folds. */
export interface LearnedModel {
  weights: Float32Array;
  bias: number;
  /** The probability at which the model alone flags. */
  threshold: number;
}

const parsed = WeightsFile.parse(weightsFile);
export const MODEL_VERSION = parsed.version;
/** The probability at which the model alone flags; chosen by cross-validation (see docs/guardrails.md). */
export const MODEL_THRESHOLD = parsed.threshold;
export const SHIPPED_MODEL: LearnedModel = {
  weights: decodeWeights(parsed.weights, parsed.scale),
  bias: parsed.bias,
  threshold: parsed.threshold,
};

/** A model that never flags: patterns alone decide (tests of pattern scoring, the eval's baseline). */
export const PATTERNS_ONLY: LearnedModel = { weights: new Float32Array(BUCKETS), bias: -50, threshold: 0.5 };

export const WINDOW = 2048;
/**
 * Below this many distinct features (about four words) the model abstains: a word repeated ten thousand
 * times, or a one-word prompt, is too little evidence for a statistical verdict; patterns still see it.
 */
const MIN_DISTINCT_FEATURES = 40;
const featureSeen = new Uint8Array(BUCKETS);
const marked = new Int32Array(MIN_DISTINCT_FEATURES);
const STRIDE = WINDOW / 2;

function decodeWeights(base64: string, scale: number): Float32Array {
  const binary = atob(base64);
  const weights = new Float32Array(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) {
    const byte = binary.charCodeAt(i);
    weights[i] = (byte > 127 ? byte - 256 : byte) * scale;
  }
  return weights;
}

let sums = new Float64Array(4096);
let counts = new Float64Array(4096);

/** Highest window probability of normalised text (as from normaliseToScratch). */
export function modelProbability(codes: Uint16Array, model: LearnedModel = SHIPPED_MODEL): number {
  const { weights, bias } = model;
  const length = codes.length;
  if (sums.length < length + 1) {
    sums = new Float64Array((length + 1) * 2);
    counts = new Float64Array((length + 1) * 2);
  }
  sums.fill(0, 0, length + 1);
  counts.fill(0, 0, length + 1);
  let distinct = 0;
  forEachFeature(codes, (bucket, position) => {
    if (distinct < MIN_DISTINCT_FEATURES && featureSeen[bucket] === 0) {
      featureSeen[bucket] = 1;
      marked[distinct++] = bucket;
    }
    sums[position + 1] = (sums[position + 1] ?? 0) + (weights[bucket] ?? 0);
    counts[position + 1] = (counts[position + 1] ?? 0) + 1;
  });
  for (let i = 0; i < distinct; i++) featureSeen[marked[i] ?? 0] = 0;
  if (distinct < MIN_DISTINCT_FEATURES) return 0;
  for (let i = 1; i <= length; i++) {
    sums[i] = (sums[i] ?? 0) + (sums[i - 1] ?? 0);
    counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0);
  }
  let best = Number.NEGATIVE_INFINITY;
  for (let start = 0; ; start += STRIDE) {
    const end = Math.min(length, start + WINDOW);
    const n = (counts[end] ?? 0) - (counts[start] ?? 0);
    if (n > 0) best = Math.max(best, bias + ((sums[end] ?? 0) - (sums[start] ?? 0)) / Math.sqrt(n));
    if (end >= length) break;
  }
  return best === Number.NEGATIVE_INFINITY ? 0 : 1 / (1 + Math.exp(-best));
}
