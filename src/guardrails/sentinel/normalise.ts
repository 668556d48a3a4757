import { foldConfusables } from "./confusables";

/**
 * The canonical form patterns are matched against, so one English pattern catches its disguises:
 * 1. NFKC (full-width, ligatures, mathematical letters → ASCII) and lower case;
 * 2. zero-width characters, soft hyphens and bidi controls removed (they split words invisibly);
 * 3. confusable letters folded to Latin (Cyrillic "о" → "o");
 * 4. leetspeak undone inside words that mix letters and digits ("1gn0re" → "ignore"); pure numbers stay;
 * 5. letter-spaced words joined ("i g n o r e", "i.g.n.o.r.e" → "ignore");
 * 6. runs of three or more of one punctuation mark collapsed, whitespace runs collapsed to one space
 *    (line breaks kept, one per run).
 * Every step is a single linear pass; the output is never longer than the input except for ß/æ/œ folds.
 */
export function normalise(text: string): string {
  let out = text.normalize("NFKC").toLowerCase();
  out = out.replace(INVISIBLE, "");
  out = foldConfusables(out);
  out = out.replace(LEET_WORD, undoLeet);
  out = out.replace(SPACED_LETTERS, (run) => run.replace(/[ .\-_*]/g, ""));
  out = out.replace(PUNCTUATION_RUN, "$1");
  out = out.replace(WHITESPACE_RUN, " ").replace(LINE_BREAKS, "\n");
  return out.trim();
}

/** Zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi embeddings/isolates. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * Candidate words are found with one unambiguous character class (linear); whether a word mixes letters
 * with leet characters ("pr3vious", "1gn0re", "@dmin") is decided in code, not by a nested pattern.
 */
const LEET_WORD = /[a-z0-9@$!]+/g;
const HAS_LETTER = /[a-z]/;
const HAS_LEET = /[0-9@$]|![a-z]/;

const LEET: Readonly<Record<string, string>> = {
  "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", $: "s", "!": "i",
};

function undoLeet(word: string): string {
  if (!HAS_LETTER.test(word) || !HAS_LEET.test(word)) return word;
  // "!" ends sentences: only treat it as a letter inside a word.
  const body = word.replace(/!+$/, "");
  let out = "";
  // "@" inside a word is an email address ("me@evil.example"), not an "a": only a leading "@" is leet.
  for (const [i, char] of [...body].entries()) out += char === "@" && i > 0 ? char : (LEET[char] ?? char);
  return out + word.slice(body.length);
}

/** Three or more single letters separated by one repeated separator: "i g n o r e", "i.g.n.o.r.e". */
const SPACED_LETTERS = /(?<![a-z])[a-z]([ .\-_*])(?:[a-z]\1)+[a-z](?![a-z])/g;
/** Three or more of one punctuation mark ("!!!", "----") become one; pairs like "//" in URLs are kept. */
const PUNCTUATION_RUN = /([^\p{L}\p{N}\s])\1{2,}/gu;
/** Line breaks are kept (one per run): role tags are recognised at the start of a line. */
const WHITESPACE_RUN = /[^\S\n]+/g;
const LINE_BREAKS = / ?\n\s*/g;
