import { type CountryCode, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { PiiDetectorOptions, PiiSpan } from "../entities";
import { DEFAULT_PHONE_REGIONS } from "../phone-regions";

/**
 * Three candidate layouts, each then validated against the numbering plan with libphonenumber-js (its "max"
 * metadata, which checks per-type patterns, not only lengths):
 * - international `+CC …`, needing no region;
 * - national with a trunk `0` (`056 590 36 33`, `0680 298 70 63`, `(02) 9374 4000`), at least two groups of
 *   two or more digits, tried against each configured region in order;
 * - the 3-3-4 layout `(212) 555-0352` / `212-555-0352`, against the configured North American (+1) regions
 *   only: elsewhere that layout is as often an order or account number.
 * Bare digit runs are ignored (too many order numbers and timestamps), and so are one-digit groups (ISBNs)
 * and date shapes (`01.02.2024`). Groups are bounded so work per start position is constant.
 */
const INTERNATIONAL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,8}(?![\w])/g;
const TRUNK = /(?<![\w+(.,/#:-])(?:\(0\d{1,4}\) ?|0\d{1,4}[ ./-])\d{2,8}(?:[ .-]\d{2,8}){0,3}(?![\w]|[.,:/-]\d)/g;
const NORTH_AMERICAN = /(?<![\w+(.,/#-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])/g;
const DATE_SHAPE = /^\d{1,4}([./-])\d{1,2}\1\d{2,4}$/;

/**
 * Validation verdicts for this call, by candidate text. libphonenumber-js costs ~20 µs per number and region,
 * and a long prompt or a pasted table repeats the same numbers many times. Scoped to one call so nothing
 * derived from one prompt outlives it.
 */
type Verdicts = Map<string, boolean>;

export function detectPhone(text: string, options: PiiDetectorOptions = {}): PiiSpan[] {
  const regions = options.phoneRegions ?? DEFAULT_PHONE_REGIONS;
  const spans: PiiSpan[] = [];
  const verdicts: Verdicts = new Map();
  // Only the international layout needs a "+": text without one skips that full-text pass.
  if (text.includes("+")) {
    for (const match of text.matchAll(INTERNATIONAL)) {
      const length = longestValidPrefix(match[0], verdicts);
      if (length > 0) spans.push({ type: "PHONE", start: match.index, end: match.index + length });
    }
  }
  if (regions.length === 0) return spans;
  const international = [...spans];
  const northAmerican = regions.filter((region) => getCountryCallingCode(region) === "1");
  for (const [layout, layoutRegions] of [
    [TRUNK, regions],
    [NORTH_AMERICAN, northAmerican],
  ] as const) {
    if (layoutRegions.length === 0) continue;
    for (const match of text.matchAll(layout)) {
      if (DATE_SHAPE.test(match[0]) || insideAny(international, match.index)) continue;
      if (isValidNational(match[0], layoutRegions, verdicts))
        spans.push({ type: "PHONE", start: match.index, end: match.index + match[0].length });
    }
  }
  return spans;
}

/**
 * The candidate regex is greedy and may swallow a following number ("+44 20 7946 1653 2024"); drop trailing
 * groups until what is left is a valid number. Returns the valid length, or 0.
 */
function longestValidPrefix(candidate: string, verdicts: Verdicts): number {
  let end = candidate.length;
  for (let attempt = 0; attempt < 4 && end > 0; attempt++) {
    if (isValidNumber(candidate.slice(0, end), undefined, verdicts)) return end;
    const cut = Math.max(
      candidate.lastIndexOf(" ", end - 1),
      candidate.lastIndexOf("-", end - 1),
      candidate.lastIndexOf(".", end - 1),
    );
    if (cut <= 0) break;
    end = cut;
  }
  return 0;
}

function isValidNational(candidate: string, regions: readonly CountryCode[], verdicts: Verdicts): boolean {
  return regions.some((region) => isValidNumber(candidate, region, verdicts));
}

function isValidNumber(candidate: string, region: CountryCode | undefined, verdicts: Verdicts): boolean {
  const digits = candidate.replace(/\D/g, "").length;
  if (digits < 7 || digits > 15) return false;
  const key = `${region ?? "+"} ${candidate}`;
  let valid = verdicts.get(key);
  if (valid === undefined) {
    valid = parsePhoneNumberFromString(candidate, region ?? "US")?.isValid() ?? false;
    verdicts.set(key, valid);
  }
  return valid;
}

/**
 * A national candidate inside an international number already found ("+1 212 555 0352") is not a second one.
 * `spans` is sorted by start and disjoint, so a binary search keeps the pass linear.
 */
function insideAny(spans: readonly PiiSpan[], position: number): boolean {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((spans[mid]?.end ?? 0) <= position) low = mid + 1;
    else high = mid;
  }
  const span = spans[low];
  return span !== undefined && span.start <= position;
}
