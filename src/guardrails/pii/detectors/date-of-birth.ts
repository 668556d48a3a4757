import type { PiiSpan } from "../entities";
import { matchNear } from "./windows";

/**
 * Heuristic: a calendar date counts as a date of birth only by context — a birth cue before it within a
 * few words ("born", "DOB", "d.o.b.", "date of birth", "geboren", "né le", "fecha de nacimiento", …), or an
 * age right after it ("12 May 1980 (age 44)", "1990-10-28, aged 34"). Dates without that context
 * (meetings, shipping, timestamps, release dates) are left alone. Layouts: 1990-10-28, 28/10/1990,
 * 10-28-1990, 28.10.1990, 28 October 1990, October 28, 1990, 28th Oct 1990, 28. Oktober 1990,
 * 3 mars 1990, 1er mars 1990, 3 de marzo de 1990, 12 marzo 1990.
 */
const MONTH = [
  "jan(?:uary|vier|uar)?|janv\\.?|feb(?:ruary|ruar)?|févr(?:ier)?\\.?|fevrier|mar(?:ch)?|märz|maerz|mars|apr(?:il)?|avr(?:il)?\\.?",
  "may|mai|june?|juin|juni|july?|juil(?:let)?\\.?|juli|aug(?:ust)?|août|aout|sep(?:t(?:ember|embre)?)?\\.?|oct(?:ober|obre)?|okt(?:ober)?",
  "nov(?:ember|embre)?|dec(?:ember)?|déc(?:embre)?\\.?|dez(?:ember)?",
  "enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?ptiembre|octubre|noviembre|diciembre",
  "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre",
].join("|");
const DAY = "(?:0?[1-9]|[12]\\d|3[01])";
const MONTH_NUM = "(?:0?[1-9]|1[0-2])";
const YEAR = "(?:1[89]\\d\\d|20\\d\\d)";
const DAY_WORD = `${DAY}(?:st|nd|rd|th|er|\\.)?`;
const DATE = [
  `${YEAR}[-/.]${MONTH_NUM}[-/.]${DAY}`,
  `${DAY}[-/.]${DAY}[-/.]${YEAR}`,
  `${DAY_WORD}\\s(?:of\\s|de\\s)?(?:${MONTH})\\.?,?\\s(?:de\\s)?${YEAR}`,
  `(?:${MONTH})\\.?\\s${DAY}(?:st|nd|rd|th)?,?\\s${YEAR}`,
].join("|");
const CUE = [
  "born(?:\\s(?:on|in))?|d\\.?o\\.?b\\.?|date\\sof\\sbirth|birth\\s?date|birthday(?:\\sis)?|b\\.",
  "geboren(?:\\s(?:am|op))?|geb\\.|geburtsdatum|geburtstag|geboortedatum",
  "née?\\sle|née?|date\\sde\\snaissance|naissance",
  "nacid[oa](?:\\sel)?|fecha\\sde\\snacimiento|f\\.\\snac\\.|cumpleaños",
  "nat[oa]\\sil|data\\sdi\\snascita|nascid[oa]\\sem|data\\sde\\snascimento",
].join("|");
/** Up to four short filler words ("is", "was on", "le", ":") may sit between the cue and the date. */
const CUED = `(?<![\\p{L}])(?:${CUE})[\\s:,-]{0,3}(?:[\\p{L}]{1,6}[\\s:,-]{1,3}){0,4}(${DATE})(?!\\d)`;
/**
 * Or the context follows the date: the person's age ("(age 44)", ", aged 34", "– 44 years old"), or a
 * German verb-final "geboren" ("am 12. März 1990 geboren"). An age in days or months is a duration.
 */
const AFTER = [
  "[\\s,;(–-]{1,3}(?:aged?\\s\\d{1,3}|\\d{1,3}\\s(?:years?\\sold|ans|años|jahre\\salt))(?![\\d\\p{L}]|\\s(?:days?|weeks?|months?)\\b)",
  "\\s(?:\\p{L}{1,8}\\s){0,2}geboren\\b",
].join("|");
const AGED = `(?<![\\p{L}\\d])(${DATE})(?!\\d)(?:${AFTER})`;
const DOB = new RegExp(`${CUED}|${AGED}`, "giu");
/** The words without which neither branch can match; the full pattern runs only near them. */
const CONTEXT = new RegExp(`\\b(?:${CUE})|age|years?\\sold|\\bans\\b|años|jahre|geboren`, "gi");
/** A cue, four filler words and a date fit in 96 code units; a date and its age context in 64. */
const BEFORE = 64;
const AFTER_CONTEXT = 96;

export function detectDateOfBirth(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of matchNear(text, CONTEXT, DOB, BEFORE, AFTER_CONTEXT)) {
    const cued = match[1];
    const date = cued ?? match[2] ?? "";
    // A cued date ends its match; a date with trailing context starts it.
    const start = cued === undefined ? match.index : match.index + match[0].length - date.length;
    spans.push({ type: "DATE_OF_BIRTH", start, end: start + date.length });
  }
  return spans;
}
