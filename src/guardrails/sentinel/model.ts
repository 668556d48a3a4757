import { z } from "zod";
import { BIGRAM_SEED, BUCKET_BITS, BUCKETS, CHAR_SEED, FNV_PRIME, isWordCode, mix, WORD_SEED } from "./features";
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

/** Running feature sums at every STRIDE boundary (window starts and ends), grown when a text needs more. */
let checkpointSums = new Float64Array(64);
let checkpointCounts = new Float64Array(64);

/**
 * Highest window probability of normalised text (as from normaliseToScratch). The features of
 * features.ts are hashed inline here, in one pass that keeps running totals and records them at each
 * STRIDE boundary: no callback per feature, no per-position arrays. features.ts stays the definition
 * (the trainer uses it); test/node/sentinel-model-equivalence.test.ts holds the two to the same scores.
 */
export function modelProbability(codes: Uint16Array, model: LearnedModel = SHIPPED_MODEL): number {
  const { weights, bias } = model;
  const length = codes.length;
  const boundaries = Math.floor(length / STRIDE) + 2;
  if (checkpointSums.length < boundaries) {
    checkpointSums = new Float64Array(boundaries * 2);
    checkpointCounts = new Float64Array(boundaries * 2);
  }
  let sum = 0;
  let count = 0;
  let distinct = 0;
  let word = WORD_SEED;
  let wordLength = 0;
  let previousWord = -1;
  let nextBoundary = 0;
  let boundary = 0;
  for (let i = 0; i < length; i++) {
    if (i === nextBoundary) {
      checkpointSums[boundary] = sum;
      checkpointCounts[boundary++] = count;
      nextBoundary += STRIDE;
    }
    const code = codes[i] as number;
    // Character 3-, 4- and 5-grams starting at i (features.ts: FNV over the codes, length folded in).
    if (i + 2 < length) {
      let h = Math.imul(CHAR_SEED ^ code, FNV_PRIME);
      h = Math.imul(h ^ (codes[i + 1] as number), FNV_PRIME);
      h = Math.imul(h ^ (codes[i + 2] as number), FNV_PRIME);
      let bucket = mix(h + 3);
      sum += weights[bucket] as number;
      count++;
      if (distinct < MIN_DISTINCT_FEATURES) distinct = markDistinct(bucket, distinct);
      if (i + 3 < length) {
        h = Math.imul(h ^ (codes[i + 3] as number), FNV_PRIME);
        bucket = mix(h + 4);
        sum += weights[bucket] as number;
        count++;
        if (distinct < MIN_DISTINCT_FEATURES) distinct = markDistinct(bucket, distinct);
        if (i + 4 < length) {
          h = Math.imul(h ^ (codes[i + 4] as number), FNV_PRIME);
          bucket = mix(h + 5);
          sum += weights[bucket] as number;
          count++;
          if (distinct < MIN_DISTINCT_FEATURES) distinct = markDistinct(bucket, distinct);
        }
      }
    }
    if (isWordCode(code)) {
      word = Math.imul(word ^ code, FNV_PRIME);
      wordLength++;
      continue;
    }
    if (wordLength > 0) {
      // Word unigram and bigram, counted at the delimiter's position.
      let bucket = mix(word);
      sum += weights[bucket] as number;
      count++;
      if (distinct < MIN_DISTINCT_FEATURES) distinct = markDistinct(bucket, distinct);
      if (previousWord !== -1) {
        bucket = mix(Math.imul(previousWord ^ BIGRAM_SEED, FNV_PRIME) ^ word);
        sum += weights[bucket] as number;
        count++;
        if (distinct < MIN_DISTINCT_FEATURES) distinct = markDistinct(bucket, distinct);
      }
      previousWord = word;
    }
    word = WORD_SEED;
    wordLength = 0;
  }
  // The text's last word is emitted past the end, so no window counts it; it still counts as evidence.
  if (wordLength > 0 && distinct < MIN_DISTINCT_FEATURES) {
    distinct = markDistinct(mix(word), distinct);
    if (previousWord !== -1 && distinct < MIN_DISTINCT_FEATURES)
      distinct = markDistinct(mix(Math.imul(previousWord ^ BIGRAM_SEED, FNV_PRIME) ^ word), distinct);
  }
  for (let k = 0; k < distinct; k++) featureSeen[marked[k] as number] = 0;
  if (distinct < MIN_DISTINCT_FEATURES) return 0;
  const totalSum = sum;
  const totalCount = count;
  let best = Number.NEGATIVE_INFINITY;
  for (let start = 0, index = 0; ; start += STRIDE, index++) {
    const endIndex = index + 2;
    const end = Math.min(length, start + WINDOW);
    const atEnd = end === length;
    const n = (atEnd ? totalCount : (checkpointCounts[endIndex] as number)) - (checkpointCounts[index] as number);
    const windowSum = (atEnd ? totalSum : (checkpointSums[endIndex] as number)) - (checkpointSums[index] as number);
    if (n > 0) best = Math.max(best, bias + windowSum / Math.sqrt(n));
    if (atEnd) break;
  }
  return best === Number.NEGATIVE_INFINITY ? 0 : 1 / (1 + Math.exp(-best));
}

/** Records a bucket among the first MIN_DISTINCT_FEATURES distinct ones; returns the new distinct count. */
function markDistinct(bucket: number, distinct: number): number {
  if (featureSeen[bucket] !== 0) return distinct;
  featureSeen[bucket] = 1;
  marked[distinct] = bucket;
  return distinct + 1;
}
