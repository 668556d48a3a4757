import type { PiiSpan } from "../entities";

/**
 * Heuristic street addresses: a house number, one to four capitalised street-name words and a street
 * suffix ("221 Baker Street", "9521 Elm Blvd"), optionally a unit, then optionally ", City, ST 12345" (US)
 * or a UK postcode. The suffix is required: a number followed by capitalised words alone is too often a
 * quantity of products.
 */
const SUFFIX =
  "(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close|Row|Alley|Plaza|Grove)";
const WORD = "\\p{Lu}[\\p{L}'-]{0,30}";
const UNIT = "(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|#)\\.?\\s?[A-Za-z0-9-]{1,6})?";
const US_TAIL = ",\\s(?:\\p{Lu}[\\p{L}.'-]{1,30}\\s){0,3}\\p{Lu}[\\p{L}.'-]{1,30},?\\s[A-Z]{2}\\s\\d{5}(?:-\\d{4})?";
const UK_POSTCODE =
  ",\\s(?:\\p{Lu}[\\p{L}'-]{1,30}\\s){0,2}\\p{Lu}[\\p{L}'-]{1,30},?\\s[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}";
const ADDRESS = new RegExp(
  `(?<![\\w-])\\d{1,6}[A-Za-z]?\\s(?:${WORD}\\s){1,4}${SUFFIX}\\b\\.?${UNIT}(?:${US_TAIL}|${UK_POSTCODE})?`,
  "gu",
);

export function detectAddress(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(ADDRESS)) {
    let value = match[0];
    // "…Street." at a sentence end: the period belongs to the sentence, not the abbreviation.
    if (value.endsWith(".") && !/\b(?:St|Ave|Rd|Ln|Blvd|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl)\.$/.test(value))
      value = value.slice(0, -1);
    spans.push({ type: "ADDRESS", start: match.index, end: match.index + value.length });
  }
  return spans;
}
