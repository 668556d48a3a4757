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
  out = undoLeetWords(out);
  out = out.replace(SPACED_LETTERS, (run) => run.replace(/[ .\-_*]/g, ""));
  out = out.replace(PUNCTUATION_RUN, "$1");
  out = out.replace(WHITESPACE_RUN, " ");
  if (out.includes("\n")) out = out.replace(LINE_BREAKS, "\n");
  return out.trim();
}

/** Zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi embeddings/isolates. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * Leet is undone only in words that mix letters with leet characters ("pr3vious", "1gn0re", "@dmin").
 * Rather than visiting every word, the scan jumps between letter/leet *adjacencies* (rare in ordinary text)
 * and expands each to its word; one linear pass, and ordinary prose costs almost nothing.
 */
const LEET_ADJACENCY = /[a-z][0-9@$]|[0-9@$!][a-z]/g;
const WORD_CHAR = /[a-z0-9@$!]/;

const LEET: Readonly<Record<string, string>> = {
  "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", $: "s", "!": "i",
};

function undoLeetWords(text: string): string {
  let out = "";
  let copied = 0;
  for (const match of text.matchAll(LEET_ADJACENCY)) {
    if (match.index < copied) continue; // inside a word already rewritten
    let start = match.index;
    while (start > 0 && WORD_CHAR.test(text.charAt(start - 1))) start--;
    let end = match.index + 2;
    while (end < text.length && WORD_CHAR.test(text.charAt(end))) end++;
    out += text.slice(copied, start) + undoLeet(text.slice(start, end));
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function undoLeet(word: string): string {
  // "!" ends sentences: only treat it as a letter inside a word.
  const body = word.replace(/!+$/, "");
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const char = body.charAt(i);
    // "@" inside a word is an email address ("me@evil.example"), not an "a": only a leading "@" is leet.
    out += char === "@" && i > 0 ? char : (LEET[char] ?? char);
  }
  return out + word.slice(body.length);
}

/** Three or more single letters separated by one repeated separator: "i g n o r e", "i.g.n.o.r.e". */
const SPACED_LETTERS = /(?<![a-z])[a-z]([ .\-_*])(?:[a-z]\1)+[a-z](?![a-z])/g;
/** Three or more of one punctuation mark ("!!!", "----") become one; pairs like "//" in URLs are kept. */
const PUNCTUATION_RUN = /([^\p{L}\p{N}\s])\1{2,}/gu;
/** Line breaks are kept (one per run): role tags are recognised at the start of a line. */
const WHITESPACE_RUN = /[^\S\n]{2,}|[^\S \n]/g; // single spaces are left alone: replacing them costs time
const LINE_BREAKS = / ?\n\s*/g;
