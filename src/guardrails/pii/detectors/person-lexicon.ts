import lexiconFile from "../data/name-lexicon.json";
import type { PiiSpan } from "../entities";
import { foldName } from "./name-fold";

/**
 * PERSON without a cue word, from a given-name/surname lexicon (data/name-lexicon.json, built by
 * `npm run build:names`) plus capitalisation and context. Precision first, since a false PERSON masks real
 * words for every user:
 * - a full name is a known given name followed by up to three more capitalised name words (known names,
 *   initials "F.", particles "van", "de", …) that end on a known surname or given name ("Maria Ivanova",
 *   "John F. Kennedy", "Ludwig van Beethoven");
 * - a name that is also an ordinary word, place or brand ("Will", "May", "Rose", "Paris", "Ford" — the
 *   lexicon's `ambiguous` list) counts only beside a name that is not ("Will Smith" yes, "Rose Garden" no);
 * - a given name alone counts only next to a person verb or addressing word ("David lives …", "ask Maria");
 * - never when an organisation or place word follows ("… University", "… Street") or "the" precedes.
 */
const split = (words: string) => new Set(words.split(" "));
const GIVEN = split(lexiconFile.given);
const SURNAMES = split(lexiconFile.surnames);
const AMBIGUOUS = split(lexiconFile.ambiguous);

/** A title-case word: "Müller", "O'Brien", "Jean-Luc"; all-caps words (acronyms) are not names here. */
const CAPITALISED = /\p{Lu}[\p{Ll}\p{M}]+(?:['’-]\p{Lu}?[\p{Ll}\p{M}]+)?/gu;
const INITIAL = /^\s\p{Lu}\.\s$/u;
const PARTICLES = new Set([
  "van",
  "von",
  "de",
  "der",
  "den",
  "da",
  "di",
  "del",
  "della",
  "du",
  "le",
  "la",
  "bin",
  "ibn",
]);
/** Organisation and place words: a run holding one, or followed by one, is not a person. */
const ORG_WORDS = new Set(
  (
    "Street St Avenue Ave Road Rd Lane Boulevard Drive Way Place Square Park Bridge University College School " +
    "Academy Institute Hospital Center Centre Foundation Museum Library Archive Airport Station Hotel House Inc " +
    "Ltd LLC Corp Company Group Bank Capital Partners Holdings Systems Software Labs Technologies Motors Energy " +
    "Records Press Pictures Studios Media News Times Post Journal Review Magazine Books Games Airlines Prize " +
    "Award Memorial Stadium Hall Church Cathedral Castle Palace Tower Gardens Market Mall Court Building County " +
    "State Province District Region Republic Kingdom Empire City Town Village Island Islands Coast Beach Cross " +
    "Hill Heights Point Port Harbour Harbor Falls Creek Springs Forest Woods Field Lake River Mountain Valley Bay " +
    "Asia Africa Europe America Australia"
  ).split(" "),
);
/** A single given name is a person when one of these follows it… */
const PERSON_VERBS = new Set(
  (
    "said says told asked wrote writes lives lived works worked wants wanted thinks thought replied added " +
    "explained called emailed is was has had will would can could sagt sagte wohnt lebt arbeitet hat ist " +
    "dit habite vit travaille est a dice dijo vive trabaja es tiene"
  ).split(" "),
);
/** …or one of these precedes it. */
const ADDRESSING = new Set(
  "ask asked tell told thank thanks met meet call called email emailed with for hi hey dear cc".split(" "),
);

interface Word {
  start: number;
  end: number;
  key: string;
  text: string;
}

export function detectLexiconPerson(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const words: Word[] = [];
  for (const match of text.matchAll(CAPITALISED)) {
    words.push({ start: match.index, end: match.index + match[0].length, key: foldName(match[0]), text: match[0] });
  }
  for (let i = 0; i < words.length; i++) {
    const first = words[i];
    if (first === undefined || !isGiven(first.key) || previousWord(text, first.start)?.toLowerCase() === "the")
      continue;
    const run = nameRun(text, words, i);
    const last = run[run.length - 1] ?? first;
    const next = words[i + run.length];
    const blocked = next !== undefined && adjacent(text, last, next) && ORG_WORDS.has(next.text);
    if (run.length >= 2 && !blocked && !allAmbiguous(run)) {
      spans.push({ type: "PERSON", start: first.start, end: last.end });
      i += run.length - 1;
    } else if (run.length === 1 && !blocked && !AMBIGUOUS.has(first.key) && inPersonContext(text, first)) {
      spans.push({ type: "PERSON", start: first.start, end: first.end });
    }
  }
  return spans;
}

/** The given name at `i` and the name words after it, trimmed back to one ending on a known name. */
function nameRun(text: string, words: readonly Word[], i: number): Word[] {
  const run: Word[] = [];
  let known = 0;
  for (let j = i; j < words.length && run.length < 4; j++) {
    const word = words[j];
    const previous = run[run.length - 1];
    if (word === undefined || (previous !== undefined && !joined(text, previous, word))) break;
    if (ORG_WORDS.has(word.text)) return [];
    if (!isGiven(word.key) && !SURNAMES.has(word.key)) break;
    run.push(word);
    known = run.length;
  }
  return run.slice(0, known);
}

/** Two words of one name: one space, an initial ("John F. Kennedy") or particles ("van der") between them. */
function joined(text: string, left: Word, right: Word): boolean {
  const gap = text.slice(left.end, right.start);
  if (gap === " " || INITIAL.test(gap)) return true;
  const parts = gap.trim().split(" ");
  return gap.length <= 12 && gap.startsWith(" ") && gap.endsWith(" ") && parts.every((p) => PARTICLES.has(p));
}

/** "jean-luc" is a given name when each part is. */
function isGiven(key: string): boolean {
  return GIVEN.has(key) || (key.includes("-") && key.split("-").every((part) => GIVEN.has(part)));
}

function adjacent(text: string, left: Word, right: Word): boolean {
  return text.slice(left.end, right.start) === " ";
}

function allAmbiguous(run: readonly Word[]): boolean {
  return run.every((word) => AMBIGUOUS.has(word.key));
}

function inPersonContext(text: string, word: Word): boolean {
  const after = /^(?:\s|’s\s|'s\s)?([\p{L}]+)/u.exec(text.slice(word.end, word.end + 20))?.[1];
  if (after !== undefined && PERSON_VERBS.has(after) && text[word.end] === " ") return true;
  const before = previousWord(text, word.start);
  return before !== undefined && ADDRESSING.has(before.toLowerCase());
}

/** The word just before `index` (one space between), or undefined. */
function previousWord(text: string, index: number): string | undefined {
  if (text[index - 1] !== " ") return undefined;
  return /([\p{L}]+)$/u.exec(text.slice(Math.max(0, index - 21), index - 1))?.[1];
}
