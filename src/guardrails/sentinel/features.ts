/**
 * Hashed n-gram features of normalised text, shared by the Worker-side model (model.ts) and the offline
 * trainer (scripts/lib/sentinel-train.ts), so both see exactly the same buckets. Features: character 3-, 4-
 * and 5-grams, and word unigrams and bigrams (a word is a run of letters or digits), each hashed into
 * 2^BUCKET_BITS buckets. No vocabulary is stored: the hash is the vocabulary, which keeps the weight file
 * one small array and makes unseen words cost nothing.
 */
export const BUCKET_BITS = 16;
export const BUCKETS = 1 << BUCKET_BITS;
const MASK = BUCKETS - 1;
export const FNV_PRIME = 0x01000193;
export const CHAR_SEED = 0x811c9dc5;
export const WORD_SEED = 0x9e3779b1;
export const BIGRAM_SEED = 0x85ebca6b;

/** Final avalanche: FNV's low bits are weak, and buckets are the low bits. */
export function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h & MASK;
}

export function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 0xc0 && code !== 0x2028);
}

/**
 * Calls `emit(bucket, position)` for every feature of `codes` (normalised, lower-cased text), in position
 * order. Positions let the model sum contributions over windows with prefix sums.
 */
export function forEachFeature(codes: Uint16Array, emit: (bucket: number, position: number) => void): void {
  const length = codes.length;
  let word = WORD_SEED;
  let wordLength = 0;
  let previousWord = -1;
  for (let i = 0; i < length; i++) {
    const code = codes[i] ?? 0;
    let h = CHAR_SEED;
    const end = Math.min(length, i + 5);
    for (let k = i; k < end; k++) {
      h = Math.imul(h ^ (codes[k] ?? 0), FNV_PRIME);
      const n = k - i + 1;
      if (n >= 3) emit(mix(h + n), i);
    }
    if (isWordCode(code)) {
      word = Math.imul(word ^ code, FNV_PRIME);
      wordLength++;
      continue;
    }
    if (wordLength > 0) previousWord = emitWord(word, previousWord, i, emit);
    word = WORD_SEED;
    wordLength = 0;
  }
  if (wordLength > 0) emitWord(word, previousWord, length, emit);
}

function emitWord(word: number, previousWord: number, position: number, emit: (bucket: number, at: number) => void) {
  emit(mix(word), position);
  if (previousWord !== -1) emit(mix(Math.imul(previousWord ^ BIGRAM_SEED, FNV_PRIME) ^ word), position);
  return word;
}
