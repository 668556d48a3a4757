import type { PiiSpan } from "../entities";

/**
 * Heuristic: a calendar date counts as a date of birth only when a birth cue ("born", "DOB", "date of
 * birth", "birthday", "b.") precedes it within a few words. Dates without a cue (meetings, shipping,
 * timestamps) are not personal data on their own. Recognised layouts: 1990-10-28, 28/10/1990, 10-28-1990,
 * 28.10.1990, 28 October 1990, October 28, 1990, 28th Oct 1990.
 */
const MONTH =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DAY = "(?:0?[1-9]|[12]\\d|3[01])";
const MONTH_NUM = "(?:0?[1-9]|1[0-2])";
const YEAR = "(?:1[89]\\d\\d|20\\d\\d)";
const DATE = [
  `${YEAR}[-/.]${MONTH_NUM}[-/.]${DAY}`,
  `${DAY}[-/.]${DAY}[-/.]${YEAR}`,
  `${DAY}(?:st|nd|rd|th)?\\s(?:of\\s)?${MONTH},?\\s${YEAR}`,
  `${MONTH}\\s${DAY}(?:st|nd|rd|th)?,?\\s${YEAR}`,
].join("|");
const CUE = "(?:born(?:\\s(?:on|in))?|d\\.?o\\.?b\\.?|date\\sof\\sbirth|birth\\s?date|birthday(?:\\sis)?|b\\.)";
/** Up to four short filler words ("is", "was on", ":") may sit between the cue and the date. */
const DOB = new RegExp(`\\b${CUE}[\\s:,-]{0,3}(?:[A-Za-z]{1,6}[\\s:,-]{1,3}){0,4}(${DATE})(?![\\d])`, "gi");

export function detectDateOfBirth(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(DOB)) {
    const date = match[1] ?? "";
    const start = match.index + match[0].length - date.length;
    spans.push({ type: "DATE_OF_BIRTH", start, end: start + date.length });
  }
  return spans;
}
