import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { PiiSpan } from "../entities";

/**
 * Candidates are digit groups joined by single separators, either international (`+CC …`) or in the North
 * American national layout `(212) 555-0352` / `212-555-0352`. Each candidate is then validated against the
 * numbering plan with libphonenumber-js, which rejects look-alikes such as timestamps, part numbers and
 * unassigned area codes. Bare digit runs without `+` or the 3-3-4 layout are ignored: too many order numbers.
 * Groups are bounded (at most 8 groups of at most 5 digits) so work per start position is constant.
 */
const INTERNATIONAL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,8}(?![\w])/g;
const NATIONAL = /(?<![\w+(-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])/g;

/**
 * Validation verdicts for this call, by candidate text. libphonenumber-js costs ~20 µs per number (it compiles
 * its pattern regexes on every call), and a long prompt or a pasted table repeats the same numbers many times.
 * Scoped to one call so nothing derived from one prompt outlives it.
 */
type Verdicts = Map<string, boolean>;

export function detectPhone(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const verdicts: Verdicts = new Map();
  // Only the international layout needs a "+": text without one skips that full-text pass.
  if (text.includes("+")) {
    for (const match of text.matchAll(INTERNATIONAL)) {
      const length = longestValidPrefix(match[0], verdicts);
      if (length > 0) spans.push({ type: "PHONE", start: match.index, end: match.index + length });
    }
  }
  for (const match of text.matchAll(NATIONAL)) {
    if (isValidNumber(match[0], verdicts))
      spans.push({ type: "PHONE", start: match.index, end: match.index + match[0].length });
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
    if (isValidNumber(candidate.slice(0, end), verdicts)) return end;
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

function isValidNumber(candidate: string, verdicts: Verdicts): boolean {
  const digits = candidate.replace(/\D/g, "").length;
  if (digits < 7 || digits > 15) return false;
  let valid = verdicts.get(candidate);
  if (valid === undefined) {
    valid = parsePhoneNumberFromString(candidate, "US")?.isValid() ?? false;
    verdicts.set(candidate, valid);
  }
  return valid;
}
