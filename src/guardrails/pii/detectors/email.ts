import type { PiiSpan } from "../entities";

/**
 * Addresses of the form local@domain.tld. Quantifiers are bounded by the RFC 5321 limits (64-character local
 * part, 63-character labels) so that a run like `a@a@a@…` costs a constant amount of work per start position.
 * The lookbehind stops a match from starting in the middle of a longer local part.
 */
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

export function detectEmail(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(EMAIL)) {
    spans.push({ type: "EMAIL", start: match.index, end: match.index + match[0].length });
  }
  return spans;
}
