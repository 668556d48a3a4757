import type { PiiSpan } from "../entities";
import { detectLexiconPerson } from "./person-lexicon";
import { matchNear } from "./windows";

/**
 * Heuristic: a person's name is two to four capitalised words right after a cue that introduces a person
 * ("my name is", "I'm", "contact", "Dear", "patient", …), or one or more capitalised words after a title
 * (Mr, Mrs, Ms, Dr, Prof). Precision over recall: without a cue, capitalised pairs are too often products,
 * places or sentence starts (person-lexicon.ts finds names without a cue). Names may carry letters from any script, hyphens and apostrophes.
 */
const NAME_WORD = "\\p{Lu}[\\p{Ll}\\p{M}'’-]{1,30}";
const CUE =
  "(?:my name is|my name's|name is|name:|named|called|i am|i'm|i’m|this is|contact|dear|hi|hello|from|signed|regards,|sincerely,|thanks,|patient|customer|client|employee|applicant|tenant|passenger|candidate|user|name)";
const CUED_NAME = new RegExp(`(?<![\\p{L}])${CUE}\\s{1,3}(${NAME_WORD}(?:\\s${NAME_WORD}){1,3})`, "giu");
/** The cue words alone, without the "u" flag (Unicode case folding makes V8 scan several times slower). */
const CUE_WORD = new RegExp(CUE, "gi");
/** A cue, up to three spaces and four name words fit in 160 code units. */
const AFTER_CUE = 160;
const TITLED_NAME = new RegExp(
  `(?<![\\p{L}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\\.?\\s{1,3}(${NAME_WORD}(?:\\s${NAME_WORD}){0,3})`,
  "gu",
);

/** Capitalised words that follow cues but are not names (greetings to teams, weekdays, products). */
const NOT_NAMES = new Set(
  [
    "Team",
    "Everyone",
    "All",
    "There",
    "Sir",
    "Madam",
    "Support",
    "Customer",
    "Service",
    "Sales",
    "The",
    "This",
    "That",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Google",
    "Microsoft",
    "Apple",
    "Amazon",
    "OpenAI",
    "Python",
    "Java",
    "JavaScript",
    "Chrome",
    "Windows",
    "Linux",
    "New",
    "Please",
    "Thanks",
    "Thank",
    "Hello",
    "Dear",
    "Happy",
    "Good",
    "Not",
    "Just",
    "Really",
    "Also",
    "Here",
    "What",
    "How",
    "Why",
    "When",
    "Where",
    "Who",
    "Can",
    "Could",
    "Would",
    "Will",
    "Should",
    "I",
    "We",
    "You",
    "They",
    "It",
    "He",
    "She",
    "Is",
    "Are",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Street",
    "Avenue",
    "Road",
    "Inc",
    "Ltd",
    "LLC",
    "Corp",
    "Company",
    "Bank",
  ].map((word) => word.toLowerCase()),
);

export function detectPerson(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  collect(matchNear(text, CUE_WORD, CUED_NAME, 0, AFTER_CUE), 2, spans);
  collect(text.matchAll(TITLED_NAME), 1, spans);
  return mergeOverlapping([...spans, ...detectLexiconPerson(text)]);
}

/** Cue, title and lexicon often find the same name; overlapping finds become one span. */
function mergeOverlapping(spans: PiiSpan[]): PiiSpan[] {
  const merged: PiiSpan[] = [];
  for (const span of spans.sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

function collect(matches: Iterable<RegExpExecArray>, minWords: number, spans: PiiSpan[]): void {
  for (const match of matches) {
    const name = match[1] ?? "";
    const words = name.split(/\s/);
    // A cue word may be lowercase-insensitive, but the name itself must really be capitalised.
    const kept: string[] = [];
    for (const word of words) {
      if (!/^\p{Lu}/u.test(word) || NOT_NAMES.has(word.toLowerCase())) break;
      kept.push(word);
    }
    if (kept.length < minWords) continue;
    const start = match.index + match[0].length - name.length;
    spans.push({ type: "PERSON", start, end: start + kept.join(" ").length });
  }
}
