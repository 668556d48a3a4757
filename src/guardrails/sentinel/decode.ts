/**
 * Payload smuggling: instructions hidden as base64, hex or percent-encoding. `decodeEmbedded` finds such
 * segments, decodes those that turn out to be readable text, and recurses into the results (an attacker may
 * nest encodings). Segments are looked for only inside candidate stretches found by one character pass
 * (see `candidates`), so ordinary prose costs one loop rather than four regex scans. Work is bounded: at most MAX_DEPTH levels, MAX_SEGMENTS decoded segments in total, and
 * decoded output is never more than the input length, so the cost stays linear in the prompt size.
 */
const MAX_DEPTH = 3;
const MAX_SEGMENTS = 64;

const BASE64 =
  /(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=_-])/g;
const BASE64URL = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g;
const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Fa-f])|(?:\\x[0-9A-Fa-f]{2}){4,}/g;
/** A whitespace-delimited token with at least three %XX escapes; the classes are disjoint, so no backtracking. */
const PERCENT = /(?<!\S)[^\s%]{0,200}(?:%[0-9A-Fa-f]{2}[^\s%]{0,200}){3,}/g;

export function decodeEmbedded(text: string): string[] {
  const found: string[] = [];
  let frontier = [text];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const source of frontier) {
      for (const decoded of decodeLayer(source)) {
        if (found.length >= MAX_SEGMENTS) return found;
        found.push(decoded);
        next.push(decoded);
      }
    }
    frontier = next;
  }
  return found;
}

function decodeLayer(text: string): string[] {
  const out: string[] = [];
  // A prompt that repeats one hash or id a thousand times is decoded once.
  const tried = new Set<string>();
  // Keyed by decoder too: a hex string is also valid base64 alphabet, and must still be tried as hex.
  const attempt = (kind: string, segment: string, decode: (segment: string) => string | null) => {
    const key = `${kind}:${segment}`;
    if (tried.has(key)) return;
    tried.add(key);
    pushReadable(out, decode(segment));
  };
  const { runs, percentTokens } = candidates(text);
  // Same order as four scans of the whole text: every base64 match first, then base64url, hex, percent.
  for (const run of runs) for (const match of run.matchAll(BASE64)) attempt("base64", match[0], fromBase64);
  for (const run of runs) {
    for (const match of run.matchAll(BASE64URL))
      if (/[_-]/.test(match[0])) attempt("base64url", match[0], fromBase64Url);
  }
  for (const run of runs) for (const match of run.matchAll(HEX)) attempt("hex", match[0], fromHex);
  for (const token of percentTokens)
    for (const match of token.matchAll(PERCENT)) attempt("percent", match[0], fromPercent);
  return out;
}

/** Shortest text any of BASE64, BASE64URL or HEX can match (16 base64 or hex characters, 4 × `\xHH`). */
const MIN_RUN = 16;

/**
 * The stretches of `text` the decoders could match, found in one pass instead of four regex scans:
 * - runs of `[A-Za-z0-9+/=_\\-]` at least MIN_RUN long. Every character BASE64, BASE64URL and HEX match,
 *   and every character their look-arounds test, is in that class, so running them on a maximal run
 *   finds exactly the matches they find inside it in the whole text;
 * - whitespace-delimited tokens holding a "%": PERCENT starts at a token's start and never crosses
 *   whitespace, so running it on each such token is equivalent too.
 * Distinct stretches only, in order of first appearance.
 */
function candidates(text: string): { runs: string[]; percentTokens: string[] } {
  const runs = new Set<string>();
  // Branch-light on purpose: the run length resets by multiplying with the class bit, so ordinary
  // prose (a run boundary every few characters) does not pay a mispredicted branch per word.
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const encoded = ENCODED_CHAR[text.charCodeAt(i)] ?? 0;
    if (encoded === 0 && run >= MIN_RUN) runs.add(text.slice(i - run, i));
    run = (run + 1) * encoded;
  }
  if (run >= MIN_RUN) runs.add(text.slice(text.length - run));
  const percentTokens = new Set<string>();
  for (let at = text.indexOf("%"); at >= 0; at = text.indexOf("%", at + 1)) {
    let start = at;
    while (start > 0 && !isWhitespace(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && !isWhitespace(text.charCodeAt(end))) end++;
    percentTokens.add(text.slice(start, end));
    at = end; // the rest of this token is already taken
  }
  return { runs: [...runs], percentTokens: [...percentTokens] };
}

/** 1 for `[A-Za-z0-9+/=_-]` and the backslash of `\xHH`, by UTF-16 code unit (64 KB, built once). */
const ENCODED_CHAR = new Uint8Array(0x10000);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-\\")
  ENCODED_CHAR[char.charCodeAt(0)] = 1;

/** RegExp's `\s` (PERCENT's token boundary). */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return code >= 0xa0 && /\s/.test(String.fromCharCode(code));
}

/** Keeps decodings that read as text: binary (hashes, ids, random keys) decodes to noise and is dropped. */
function pushReadable(out: string[], decoded: string | null): void {
  if (decoded === null || decoded.length < 4) return;
  let printable = 0;
  for (const char of decoded) {
    const code = char.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code < 0x7f) || code === 0x0a || code === 0x0d || code === 0x09 || code >= 0xa0) printable++;
  }
  if (printable / decoded.length >= 0.95 && /[A-Za-z]{3}/.test(decoded)) out.push(decoded);
}

function fromBase64(segment: string): string | null {
  if (segment.length % 4 === 1) return null; // not decodable at any padding
  let binary: string;
  try {
    binary = atob(segment.padEnd(Math.ceil(segment.length / 4) * 4, "="));
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return utf8(bytes);
}

function fromBase64Url(segment: string): string | null {
  return fromBase64(segment.replace(/-/g, "+").replace(/_/g, "/"));
}

function fromHex(segment: string): string | null {
  const hex = segment.replace(/\\x/g, "");
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return utf8(bytes);
}

/**
 * Random bytes (hashes, ids, keys) are rejected by a byte scan before any UTF-8 decoding: control bytes
 * are common in noise and absent from text, and the scan avoids the cost of a thrown decoding error.
 */
function looksTextual(bytes: Uint8Array): boolean {
  let control = 0;
  for (const byte of bytes)
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) control++;
  return control <= bytes.length * 0.05;
}

function fromPercent(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function utf8(bytes: Uint8Array): string | null {
  if (!looksTextual(bytes)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}
