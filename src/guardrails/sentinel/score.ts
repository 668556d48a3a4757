import { EMPTY_BLOCKLIST, validateBlocklist, type CompiledBlocklist } from "./blocklist";
import { buildCueIndex, scanCues } from "./cue-scan";
import { decodeEmbedded } from "./decode";
import { hiddenVariants, transformedVariants } from "./disguises";
import { type LearnedModel, modelProbability, PATTERNS_ONLY, SHIPPED_MODEL } from "./model";
import { codesToString, normaliseToScratch } from "./normalise";
import { PATTERNS, type Family } from "./patterns";

/**
 * Sentinel's verdict on one text. Carries family names and numbers only: never the matched text, so it is
 * safe to log and to name in a 400 response.
 */
export interface SentinelVerdict {
  score: number;
  threshold: number;
  flagged: boolean;
  families: string[];
}

export interface SentinelOptions {
  /** A compiled blocklist, or raw `sentinel_blocklist` entries (invalid entries are skipped). */
  blocklist?: CompiledBlocklist | readonly string[];
  /** The learned stage: SHIPPED_MODEL by default; PATTERNS_ONLY turns it off (pattern tests, baselines). */
  model?: LearnedModel;
}

/** A score of 1.0 flags: one strong pattern, or several weak cues together. */
export const THRESHOLD = 1.0;
/** A family's contribution is capped so that piling up cues of one kind counts, but not without limit. */
const FAMILY_CAP = 1.5;
/** Decoded payloads carrying their own injection cues are smuggling on top of whatever they say. */
const SMUGGLING_BONUS = 0.3;

/** The model's probability maps onto the pattern scale so that its own threshold lands on THRESHOLD. */
const MODEL_CAP = 2;

/**
 * Two stages on the same normalised text. Pattern score = sum over families of min(FAMILY_CAP, sum of the weights of that family's patterns found in the
 * normalised text or in any decoded embedded segment or disguised variant (disguises.ts). A blocklist hit adds the whole threshold. Each
 * pattern counts once however often it matches, so repetition does not inflate the score.
 * Model score = THRESHOLD × p / MODEL_THRESHOLD (capped), p the learned model's probability. The verdict's
 * score is the larger of the two: patterns name what was found, the model catches phrasings no pattern
 * lists. Families are the patterns' when they flag on their own, else `learned_model` is added.
 */
export function scoreInjection(text: string, options: SentinelOptions = {}): SentinelVerdict {
  const blocklist = resolveBlocklist(options.blocklist);
  const byFamily = new Map<Family, number>();
  const add = (family: Family, weight: number) => byFamily.set(family, (byFamily.get(family) ?? 0) + weight);

  const codes = normaliseToScratch(text);
  const normalised = codesToString(codes);
  // Before any other normalisation: `codes` is a scratch buffer the decoded segments overwrite.
  const model = options.model ?? SHIPPED_MODEL;
  // The patterns-only model never flags, so its feature pass is skipped.
  let probability = model === PATTERNS_ONLY ? 0 : modelProbability(codes, model);
  const seen = new Set<string>();
  matchPatterns(codes, normalised, seen, add);
  let decodedHits = false;
  // Decoded payloads and tag text are words the user hid, so both stages read them. rot13 and reversed
  // variants are made of every short prompt, benign ones too, so only the patterns read those: the model
  // would be scoring gibberish.
  const hidden = [...decodeEmbedded(text), ...hiddenVariants(text)];
  for (const [index, decoded] of [...hidden, ...transformedVariants(text)].entries()) {
    const before = seen.size;
    const decodedCodes = normaliseToScratch(decoded);
    if (index < hidden.length && model !== PATTERNS_ONLY) {
      const hiddenProbability = modelProbability(decodedCodes, model);
      if (hiddenProbability >= model.threshold) decodedHits = true;
      probability = Math.max(probability, hiddenProbability);
    }
    matchPatterns(decodedCodes, codesToString(decodedCodes), seen, add);
    if (seen.size > before) decodedHits = true;
  }
  if (decodedHits) add("payload_smuggling", SMUGGLING_BONUS);
  if (matchesBlocklist(text, normalised, blocklist)) add("blocklist", THRESHOLD);

  let score = 0;
  for (const weight of byFamily.values()) score += Math.min(FAMILY_CAP, weight);
  const modelScore = Math.min(MODEL_CAP, (THRESHOLD * probability) / model.threshold);
  if (modelScore >= THRESHOLD && score < THRESHOLD) add("learned_model", modelScore);
  score = Math.round(Math.max(score, modelScore) * 100) / 100;
  const families = [...byFamily.entries()].sort((a, b) => b[1] - a[1]).map(([family]) => family);
  return { score, threshold: THRESHOLD, flagged: score >= THRESHOLD, families };
}

/**
 * Each pattern's regex runs only when one of its cues occurs: one automaton pass over the text replaces
 * forty regex scans, and on ordinary prompts only a handful of patterns are left to run.
 */
const CUE_LIST = [...new Set(PATTERNS.flatMap((pattern) => pattern.cues))];
const CUE_INDEX = buildCueIndex(CUE_LIST);
/** Cue id → indexes of the patterns it enables. */
const PATTERNS_BY_CUE = CUE_LIST.map((cue) =>
  PATTERNS.flatMap((pattern, index) => (pattern.cues.includes(cue) ? [index] : [])),
);

function matchPatterns(
  codes: Uint16Array,
  text: string,
  seen: Set<string>,
  add: (family: Family, weight: number) => void,
): void {
  const cues = scanCues(CUE_INDEX, codes);
  const enabled = new Uint8Array(PATTERNS.length);
  for (let cue = 0; cue < cues.length; cue++) {
    if (cues[cue] === 1) for (const index of PATTERNS_BY_CUE[cue] ?? []) enabled[index] = 1;
  }
  PATTERNS.forEach(({ id, family, weight, pattern }, index) => {
    if (enabled[index] === 0 || seen.has(id) || !pattern.test(text)) return;
    seen.add(id);
    add(family, weight);
  });
}

function matchesBlocklist(raw: string, normalised: string, blocklist: CompiledBlocklist): boolean {
  if (blocklist.phrases.some((phrase) => normalised.includes(phrase))) return true;
  return blocklist.patterns.some((pattern) => pattern.test(normalised) || pattern.test(raw));
}

/**
 * Raw entries are compiled once per distinct list: the settings arrive as JSON on every request, and
 * validation is cheap but not free. A small bounded cache keeps this pure (no I/O) and memory-safe.
 */
const compiledCache = new Map<string, CompiledBlocklist>();
const CACHE_LIMIT = 64;

function resolveBlocklist(blocklist: SentinelOptions["blocklist"]): CompiledBlocklist {
  if (blocklist === undefined) return EMPTY_BLOCKLIST;
  if (!Array.isArray(blocklist)) return blocklist as CompiledBlocklist;
  const entries = blocklist as readonly string[];
  if (entries.length === 0) return EMPTY_BLOCKLIST;
  const key = JSON.stringify(entries);
  const cached = compiledCache.get(key);
  if (cached) return cached;
  const compiled = compileValidEntries(entries);
  if (compiledCache.size >= CACHE_LIMIT) compiledCache.delete(compiledCache.keys().next().value ?? "");
  compiledCache.set(key, compiled);
  return compiled;
}

/** Entries were validated at save time; any that no longer pass (rules tightened since) are skipped. */
function compileValidEntries(entries: readonly string[]): CompiledBlocklist {
  const phrases: string[] = [];
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    const result = validateBlocklist([entry]);
    if (!result.ok) continue;
    phrases.push(...result.compiled.phrases);
    patterns.push(...result.compiled.patterns);
  }
  return { phrases, patterns };
}
