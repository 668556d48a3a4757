import type { PiiSpan } from "../entities";

/**
 * Credentials that must never reach a model provider: well-known key and token formats (each with its
 * vendor's fixed prefix, so false positives are rare), PEM private key blocks, JWTs, and values assigned to
 * credential-like names (`password=`, `api_key: "…"`) when the value looks like a secret rather than a
 * placeholder. Every quantifier is bounded so work per start position is constant.
 */
const KNOWN_FORMATS: readonly RegExp[] = [
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{36,251}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,64}/g, // GitLab
  /(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?[A-Za-z0-9_-]{20,256}/g, // OpenAI, Anthropic
  /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,128}\b/g, // Stripe
  /\bxox[abposre]-[A-Za-z0-9-]{10,200}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}(?![\w-])/g, // Google API keys
  /\bya29\.[0-9A-Za-z_-]{20,512}/g, // Google OAuth access tokens
  /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, // SendGrid
  /\bSK[0-9a-f]{32}\b/g, // Twilio
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bhf_[A-Za-z0-9]{30,40}\b/g, // Hugging Face
  /\btg_sk_live_[0-9a-f]{32}\b/g, // Tollgate's own API keys
  /\beyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}/g, // JWT (header.payload.signature)
  /(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqps?):\/\/[^\s:@/]{1,64}:[^\s@/]{3,128}@/g, // URLs with passwords
];

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

/**
 * `name = value` where the name says credential. It starts at the keyword (a leading-alternation scan is
 * cheap) rather than at the variable name; `key` and `pwd` must start a word part so `monkey=` is ignored.
 */
const ASSIGNMENT =
  /(?:password|passwd|passphrase|secret|token|api[_-]?key|credential|(?<![A-Za-z])(?:key|pwd))[A-Za-z0-9_]{0,20}["']?\s{0,3}(?:=|:|=>)\s{0,3}(["'`]?)([^\s"'`,;]{6,256})\1/gi;

export function detectSecret(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const pattern of KNOWN_FORMATS) {
    for (const match of text.matchAll(pattern)) {
      spans.push({ type: "SECRET", start: match.index, end: match.index + match[0].length });
    }
  }
  for (const match of text.matchAll(PEM_BEGIN)) {
    // Found by indexOf rather than a lazy `[\s\S]*?` so an unterminated block costs one pass, not n².
    const endMarker = text.indexOf("-----END ", match.index + match[0].length);
    const close = endMarker < 0 ? -1 : text.indexOf("-----", endMarker + 9);
    const end = close < 0 ? Math.min(text.length, match.index + 8192) : close + 5;
    spans.push({ type: "SECRET", start: match.index, end });
  }
  for (const match of text.matchAll(ASSIGNMENT)) {
    const [whole, quote = "", value = ""] = match;
    const name = whole.slice(0, whole.length - value.length - 2 * quote.length);
    if (!looksLikeSecretValue(name, value)) continue;
    const start = match.index + whole.length - quote.length - value.length;
    spans.push({ type: "SECRET", start, end: start + value.length });
  }
  return disjoint(spans);
}

/** A key can match a vendor format and an assignment at once: keep the longest of overlapping spans. */
function disjoint(spans: PiiSpan[]): PiiSpan[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PiiSpan[] = [];
  for (const span of spans) {
    const last = kept[kept.length - 1];
    if (last !== undefined && span.start < last.end) {
      if (span.end > last.end) last.end = span.end;
      continue;
    }
    kept.push(span);
  }
  return kept;
}

const PLACEHOLDER_VALUE =
  /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_]+|\{\{[^}]*\}\}|%[A-Z_]+%|process\.env\.\w+|os\.environ.*|env\(.*|null|none|undefined|true|false|changeme|password|secret|your[_-].*|example.*|redacted|placeholder)$/i;

/**
 * A password is a secret whatever its entropy; other credential names (token, key, secret) need a value
 * that looks random — at least 16 characters and 3.5 bits of Shannon entropy per character — so that
 * `token: required` or `api_key = settings.API_KEY` pass.
 */
export function looksLikeSecretValue(name: string, value: string): boolean {
  if (PLACEHOLDER_VALUE.test(value)) return false;
  if (/pass|pwd/i.test(name)) return value.length >= 6 && !/^[a-z_]+\.[a-z_.]+$/i.test(value);
  return value.length >= 16 && shannonEntropy(value) >= 3.5 && /\d/.test(value) && /[A-Za-z]/.test(value);
}

/** Bits per character of the value's own character distribution. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
