import type { PiiSpan } from "../entities";

/**
 * Addresses of the form local@domain.tld. Quantifiers are bounded by the RFC 5321 limits (64-character local
 * part, 63-character labels) so that a run like `a@a@a@…` costs a constant amount of work per start position.
 * The lookbehind stops a match from starting in the middle of a longer local part.
 */
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;
const LOCAL_PART_MAX = 64;

/**
 * Rather than trying the pattern at every position, each "@" is taken in turn: by the lookbehind a match can
 * only start where the run of local-part characters before that "@" starts, so one anchored attempt per "@"
 * finds exactly what a left-to-right scan would.
 */
export function detectEmail(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let scanned = 0;
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", Math.max(at + 1, scanned))) {
    let start = at;
    while (start > 0 && at - start <= LOCAL_PART_MAX && isLocalChar(text.charCodeAt(start - 1))) start--;
    if (start === at || start < scanned || at - start > LOCAL_PART_MAX) continue;
    EMAIL.lastIndex = start;
    if (!EMAIL.test(text)) continue;
    spans.push({ type: "EMAIL", start, end: EMAIL.lastIndex });
    scanned = EMAIL.lastIndex;
  }
  return spans;
}

/** `[A-Za-z0-9._%+-]`, the characters a local part may contain. */
function isLocalChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 ||
    code === 95 ||
    code === 37 ||
    code === 43 ||
    code === 45
  );
}
