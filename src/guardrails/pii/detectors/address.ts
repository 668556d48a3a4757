import type { PiiSpan } from "../entities";
import {
  ANCHOR,
  FRENCH_NUMBER_FIRST,
  GERMANIC_NUMBER_LAST,
  MILITARY,
  PO_BOX,
  TYPE_FIRST_NUMBER_LAST,
} from "./address-forms";
import { matchNear } from "./windows";

/**
 * Heuristic street addresses without cue words. English number-first: a house number, one to four
 * capitalised street-name words and a street suffix ("221B Baker Street", "1600 Pennsylvania Ave NW"),
 * optionally a unit, then optionally ", City, ST 12345" (US) or a UK postcode. The suffix is required: a
 * number followed by capitalised words alone is too often a quantity of products. The other shapes
 * (number-last European streets, French number-first, PO boxes, US military mail) are in address-forms.ts.
 */
const SUFFIX =
  "(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close|Row|Alley|Plaza|Grove|Gardens|Mews)";
const WORD = "\\p{Lu}[\\p{L}'-]{0,30}";
const DIRECTION = "(?:\\s(?:N|S|E|W|NE|NW|SE|SW)\\b)?";
const UNIT = "(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|#)\\.?\\s?[A-Za-z0-9-]{1,6})?";
const US_TAIL = ",\\s(?:\\p{Lu}[\\p{L}.'-]{1,30}\\s){0,3}\\p{Lu}[\\p{L}.'-]{1,30},?\\s[A-Z]{2}\\s\\d{5}(?:-\\d{4})?";
const UK_POSTCODE =
  ",\\s(?:\\p{Lu}[\\p{L}'-]{1,30}\\s){0,2}\\p{Lu}[\\p{L}'-]{1,30},?\\s[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}";
const ENGLISH_NUMBER_FIRST = `(?<![\\w-])\\d{1,6}[A-Za-z]?\\s(?:${WORD}\\s){1,4}${SUFFIX}\\b\\.?${DIRECTION}${UNIT}(?:${US_TAIL}|${UK_POSTCODE})?`;

const ENGLISH = new RegExp(ENGLISH_NUMBER_FIRST, "gu");
/** The other shapes in one alternation, run only near an anchor word (a street type, "Box", "APO"). */
const ANCHORED = new RegExp(
  [MILITARY, PO_BOX, TYPE_FIRST_NUMBER_LAST, FRENCH_NUMBER_FIRST, GERMANIC_NUMBER_LAST].join("|"),
  "gu",
);
/** The longest anchored shape is under 220 code units; its anchor is at most 48 units in. */
const BEFORE_ANCHOR = 48;
const AFTER_ANCHOR = 220;
/** Abbreviations whose final period is part of the address; any other final period ends the sentence. */
const ABBREVIATION_END = /\b(?:St|Ave|Rd|Ln|Blvd|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl|Str|Av|Avda|Apdo)\.$/;

export function detectAddress(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const add = (match: RegExpExecArray | RegExpMatchArray, start: number) => {
    let value = match[0];
    if (value.endsWith(".") && !ABBREVIATION_END.test(value)) value = value.slice(0, -1);
    spans.push({ type: "ADDRESS", start, end: start + value.length });
  };
  for (const match of text.matchAll(ENGLISH)) add(match, match.index);
  for (const match of matchNear(text, ANCHOR, ANCHORED, BEFORE_ANCHOR, AFTER_ANCHOR)) add(match, match.index);
  return spans;
}
