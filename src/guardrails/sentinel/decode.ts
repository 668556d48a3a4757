/**
 * Payload smuggling: instructions hidden as base64, hex or percent-encoding. `decodeEmbedded` finds such
 * segments, decodes those that turn out to be readable text, and recurses into the results (an attacker may
 * nest encodings). Work is bounded: at most MAX_DEPTH levels, MAX_SEGMENTS decoded segments in total, and
 * decoded output is never more than the input length, so the cost stays linear in the prompt size.
 */
const MAX_DEPTH = 3;
const MAX_SEGMENTS = 64;

const BASE64 = /(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=_-])/g;
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
  for (const match of text.matchAll(BASE64)) pushReadable(out, fromBase64(match[0]));
  for (const match of text.matchAll(BASE64URL)) {
    if (/[_-]/.test(match[0])) pushReadable(out, fromBase64(match[0].replace(/-/g, "+").replace(/_/g, "/")));
  }
  for (const match of text.matchAll(HEX)) pushReadable(out, fromHex(match[0].replace(/\\x/g, "")));
  for (const match of text.matchAll(PERCENT)) pushReadable(out, fromPercent(match[0]));
  return out;
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
  try {
    const padded = segment.padEnd(Math.ceil(segment.length / 4) * 4, "=");
    return utf8(Uint8Array.from(atob(padded), (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
}

function fromHex(hex: string): string | null {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return utf8(bytes);
}

function fromPercent(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}
