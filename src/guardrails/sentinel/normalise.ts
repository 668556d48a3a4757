import { foldConfusables } from "./confusables";

/**
 * The canonical form patterns are matched against, so one English pattern catches its disguises:
 * 1. NFKC (full-width, ligatures, mathematical letters → ASCII) and lower case;
 * 2. zero-width characters, soft hyphens, bidi controls, Unicode tag characters (U+E0000–E007F) and
 *    combining marks left over after NFKC (Zalgo stacks, "i̇") removed: they split or decorate words
 *    invisibly (what tag characters spell is decoded separately, see decode.ts);
 * 3. confusable letters folded to Latin (Cyrillic "о" → "o");
 * 4. leetspeak undone inside words that mix letters and digits ("1gn0re" → "ignore"); pure numbers stay;
 * 5. letter-spaced words joined ("i g n o r e", "i.g.n.o.r.e" → "ignore");
 * 6. runs of three or more of one punctuation mark collapsed, whitespace runs collapsed to one space
 *    (a run holding a line break becomes one line break), ends trimmed.
 * Steps 2–3 only concern non-ASCII text and are skipped without it. Steps 4–6 are two passes over a
 * UTF-16 buffer (leet, then everything else) instead of one regex replacement per step: on a 100 KB
 * prompt the replacements cost several times the passes. The output is never longer than the input
 * except for ß/æ/œ folds.
 */
export function normalise(text: string): string {
  return codesToString(normaliseToScratch(text));
}

/**
 * `normalise` as UTF-16 code units, for scanners that walk the result once more (see cue-scan.ts).
 * The result is a view of a module scratch buffer and is overwritten by the next call: read it (or
 * `codesToString` it) before normalising anything else. Reusing the buffers matters: a fresh 200 KB
 * typed array is page-faulted in on first write, which cost more than the passes themselves.
 */
export function normaliseToScratch(text: string): Uint16Array {
  let folded = text.normalize("NFKC").toLowerCase();
  const ascii = !NON_ASCII.test(folded);
  if (!ascii) folded = foldConfusables(stripMarks(text, folded.replace(INVISIBLE, "").replace(TAGS, "")));
  const leet = scratch(0, folded.length);
  undoLeetWords(folded, leet);
  const compacted = compact(leet, scratch(1, folded.length));
  if (ascii) return compacted;
  // Non-ASCII punctuation runs ("。。。", "😀😀😀") need Unicode classes; rare, so a regex does them.
  const collapsed = codesToString(compacted).replace(PUNCTUATION_RUN, "$1");
  const codes = scratch(0, collapsed.length);
  for (let i = 0; i < collapsed.length; i++) codes[i] = collapsed.charCodeAt(i);
  return codes;
}

const buffers: [Uint16Array, Uint16Array] = [new Uint16Array(1024), new Uint16Array(1024)];

/** A view of `length` code units over scratch buffer `slot`, grown (doubling) when too small. */
function scratch(slot: 0 | 1, length: number): Uint16Array {
  let buffer = buffers[slot];
  if (buffer.length < length) {
    buffer = new Uint16Array(Math.max(length, buffer.length * 2));
    buffers[slot] = buffer;
  }
  return buffer.subarray(0, length);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the class is "anything outside ASCII", so its range starts at NUL on purpose.
const NON_ASCII = /[^\x00-\x7f]/;
/** Zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi embeddings/isolates. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const TAGS = /[\u{e0000}-\u{e007f}]/gu;
const MARK = /[\p{Mn}\p{Me}]/u;
const MARKS = /[\p{Mn}\p{Me}]/gu;

/**
 * Text typed normally carries precomposed letters ("ü" is one code point after NFKC) and no combining
 * marks; marks on Latin letters are decoration ("i̶g̈n…"). When any are present, every letter is decomposed
 * and its marks dropped, so "ǵ" and "g\u0301" both become "g". Texts without marks are left as they are.
 */
function stripMarks(raw: string, folded: string): string {
  return MARK.test(raw) ? folded.normalize("NFD").replace(MARKS, "") : folded;
}
const PUNCTUATION_RUN = /([^\p{L}\p{N}\s])\1{2,}/gu;

const LOWER_A = 97;
const LOWER_Z = 122;
const NEWLINE = 10;
const SPACE = 32;
const BANG = 33;
const AT = 64;

/** Leet digits and symbols, by code: "0" → "o", "1" → "i", "@" → "a", "$" → "s", "!" → "i", … */
const LEET = new Uint16Array(128);
for (const [from, to] of Object.entries({
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
  "9": "g",
  "@": "a",
  $: "s",
  "!": "i",
})) {
  LEET[from.charCodeAt(0)] = to.charCodeAt(0);
}

function isLetter(code: number): boolean {
  return code >= LOWER_A && code <= LOWER_Z;
}
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Leet is undone only in words that mix letters with leet characters ("pr3vious", "1gn0re", "@dmin"): a
 * letter followed by a digit/"@"/"$", or a digit/"@"/"$"/"!" followed by a letter. Pure numbers ("2024")
 * and a trailing "!" ("hi!") do not make a word mixed. The buffer is rewritten in place (the map is 1:1).
 */
function undoLeetWords(text: string, codes: Uint16Array): void {
  // Branch-light: the class of each character comes from a table, "mixed" accumulates through a 4×4
  // adjacency table, and only the (rare) end of a mixed word branches.
  let start = 0;
  let mixed = 0;
  let previous = NOT_WORD;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    codes[i] = code;
    const kind = LEET_CLASS[code] ?? NOT_WORD;
    if (kind === NOT_WORD && mixed !== 0) undoLeet(codes, start, i);
    mixed = (mixed | (ADJACENT[previous * 4 + kind] ?? 0)) * (kind === NOT_WORD ? 0 : 1);
    start = kind === NOT_WORD ? i + 1 : start;
    previous = kind;
  }
  if (mixed !== 0) undoLeet(codes, start, text.length);
}

const NOT_WORD = 0;
const LETTER = 1;
const LEET_SYMBOL = 2; // digits, "@", "$"
const BANG_CLASS = 3; // "!" is leet only before a letter
const LEET_CLASS = new Uint8Array(0x10000);
for (let code = LOWER_A; code <= LOWER_Z; code++) LEET_CLASS[code] = LETTER;
for (const char of "0123456789@$") LEET_CLASS[char.charCodeAt(0)] = LEET_SYMBOL;
LEET_CLASS[BANG] = BANG_CLASS;
/** ADJACENT[previous * 4 + current] = 1 when the pair makes a word mixed. */
const ADJACENT = new Uint8Array(16);
ADJACENT[LETTER * 4 + LEET_SYMBOL] = 1;
ADJACENT[LEET_SYMBOL * 4 + LETTER] = 1;
ADJACENT[BANG_CLASS * 4 + LETTER] = 1;

function undoLeet(codes: Uint16Array, start: number, end: number): void {
  // "!" ends sentences: only treat it as a letter inside a word.
  let body = end;
  while (body > start && codes[body - 1] === BANG) body--;
  for (let i = start; i < body; i++) {
    const code = codes[i] ?? 0;
    // "@" inside a word is an email address ("me@evil.example"), not an "a": only a leading "@" is leet.
    if (code === AT && i > start) continue;
    const letter = code < 128 ? (LEET[code] ?? 0) : 0;
    if (letter !== 0) codes[i] = letter;
  }
}

/**
 * Separators of letter-spaced words: "i g n o r e", "i.g.n.o.r.e", "i-g…", "i_g…", "i*g…", "i/g…", "i|g…",
 * "i+g…", "i~g…", "i,g…", "i:g…", "i·g…", "i•g…"; a separator is one to three of them, the same all along.
 */
function isSpacer(code: number): boolean {
  switch (code) {
    case SPACE:
    case 42: // *
    case 43: // +
    case 44: // ,
    case 45: // -
    case 46: // .
    case 47: // /
    case 58: // :
    case 95: // _
    case 124: // |
    case 126: // ~
    case 0xb7: // middle dot
    case 0x2022: // bullet
      return true;
    default:
      return false;
  }
}

const MAX_SEPARATOR = 3;

/** Width of the separator starting at `at` (0 when none): up to MAX_SEPARATOR spacer characters. */
function separatorWidth(codes: Uint16Array, start: number): number {
  let width = 0;
  while (width < MAX_SEPARATOR && isSpacer(at(codes, start + width))) width++;
  return width;
}

/** Width of a copy of the run's separator right after its last letter (0 when there is none). */
function trailingSeparator(codes: Uint16Array, separator: number, end: number, width: number): number {
  // A whitespace separator is left to the whitespace collapse.
  if (isSpace(at(codes, separator)) && width === 1) return 0;
  for (let k = 0; k < width; k++) if (at(codes, end + k) !== at(codes, separator + k)) return 0;
  // "a.b.c..." keeps its ellipsis for the punctuation collapse.
  const after = at(codes, end + width);
  return after === -1 || isSpace(after) || isLetter(after) ? width : 0;
}

/** Whether the separator at `other` repeats the one at `first`; a space may follow it in a gap-allowing run. */
function sameSeparator(codes: Uint16Array, first: number, other: number, width: number, gapAllowed: boolean): boolean {
  for (let k = 0; k < width; k++) if (at(codes, first + k) !== at(codes, other + k)) return false;
  const next = at(codes, other + width);
  return !isSpacer(next) || (gapAllowed && next === SPACE);
}

/** JavaScript's `\s`, which is what the patterns' "whitespace" means. */
function isSpace(code: number): boolean {
  if (code <= SPACE) return code === SPACE || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** ASCII that is neither letter, digit nor whitespace (controls included, as `[^\p{L}\p{N}\s]` has them). */
function isAsciiPunctuation(code: number): boolean {
  return code < 128 && !isSpace(code) && !isLetter(code) && !isDigit(code) && !(code >= 65 && code <= 90);
}

/** PLAIN[code]: copied unchanged by `compact` always (digits, A–Z), or when it follows a letter (a–z). */
const PLAIN = new Uint8Array(128);
const PLAIN_ALWAYS = 1;
const PLAIN_AFTER_LETTER = 2;
for (let code = 48; code <= 57; code++) PLAIN[code] = PLAIN_ALWAYS;
for (let code = 65; code <= 90; code++) PLAIN[code] = PLAIN_ALWAYS;
for (let code = LOWER_A; code <= LOWER_Z; code++) PLAIN[code] = PLAIN_AFTER_LETTER;

/**
 * Steps 5–6 in one pass. Letter spacing: a letter not preceded by a letter, then `sep letter` at least
 * twice with one repeated separator, ending on a letter not followed by a letter; when the last letter
 * is followed by another letter, the run ends one letter earlier (as a backtracking regex would).
 */
function compact(codes: Uint16Array, out: Uint16Array): Uint16Array {
  let length = 0;
  let i = 0;
  while (i < codes.length) {
    const code = at(codes, i);
    // Fast path, most of any text: a digit, or a letter inside a word, is copied as it is.
    const plain = code < 128 ? (PLAIN[code] ?? 0) : 0;
    if (plain === PLAIN_ALWAYS || (plain === PLAIN_AFTER_LETTER && i > 0 && isLetter(at(codes, i - 1)))) {
      out[length++] = code;
      i++;
      continue;
    }
    if (isSpace(code)) {
      let newline = false;
      while (i < codes.length && isSpace(at(codes, i))) newline = codes[i++] === NEWLINE || newline;
      if (length > 0 && i < codes.length) out[length++] = newline ? NEWLINE : SPACE;
      continue;
    }
    if (isLetter(code) && (i === 0 || !isLetter(at(codes, i - 1)))) {
      const end = spacedRunEnd(codes, i);
      if (end > 0) {
        const width = separatorWidth(codes, i + 1);
        for (let j = i; j < end; j += width + 1) out[length++] = at(codes, j);
        // A trailing copy of the separator ("i. g. n. o. r. e. all") belongs to the run, not the text.
        const trailing = trailingSeparator(codes, i + 1, end, width);
        i = end + trailing;
        if (trailing > 0 && isSpace(at(codes, end + trailing - 1)) && i < codes.length) out[length++] = SPACE;
        continue;
      }
    }
    if (isAsciiPunctuation(code) && at(codes, i + 1) === code && at(codes, i + 2) === code) {
      out[length++] = code;
      while (i < codes.length && codes[i] === code) i++;
      continue;
    }
    out[length++] = code;
    i++;
  }
  return out.subarray(0, length);
}

/**
 * End (exclusive) of a letter-spaced run starting at `start`, or 0 when there is none. Inside a run whose
 * separator is punctuation, a space stands for a word gap ("i.g.n.o.r.e. .a.l.l" → "ignore all").
 */
function spacedRunEnd(codes: Uint16Array, start: number): number {
  const width = separatorWidth(codes, start + 1);
  if (width === 0) return 0;
  const gapAllowed = !isSpace(at(codes, start + 1));
  const step = width + 1;
  let k = start + step;
  let repeats = 0;
  while (inRun(at(codes, k), gapAllowed) && sameSeparator(codes, start + 1, k + 1, width, gapAllowed)) {
    k += step;
    repeats++;
  }
  if (isLetter(at(codes, k)) && !isLetter(at(codes, k + 1))) return repeats >= 1 ? k + 1 : 0;
  return repeats >= 2 ? k - width : 0;
}

/** A letter, or (in a punctuation-separated run) a space standing for a word gap. */
function inRun(code: number, gapAllowed: boolean): boolean {
  return isLetter(code) || (gapAllowed && code === SPACE);
}

/** Bounds-checked read (-1 past the end, which matches no class): out-of-range typed-array reads make V8 deoptimise the loop. */
function at(codes: Uint16Array, index: number): number {
  return index < codes.length ? (codes[index] ?? -1) : -1;
}

// Uint16Array holds platform-endian code units; every platform Workers and Node run on is little-endian.
const UTF16 = new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true });

export function codesToString(codes: Uint16Array): string {
  return UTF16.decode(codes);
}
