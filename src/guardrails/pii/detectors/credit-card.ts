import type { PiiSpan } from "../entities";

/**
 * 12-19 digit card numbers, bare or grouped with one consistent separator (space or dash), accepted only if
 * the Luhn checksum holds and the prefix belongs to a card issuer. The two checks together reject almost all
 * look-alikes (ISBNs, order numbers, "1234 5678 9012 3456"): Luhn alone passes one random number in ten.
 */
const CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d]|-\d)/g;

/**
 * Issuer prefix ranges (IIN) with the card lengths each network issues, from the networks' published ranges
 * (12-19 digits in all). Maestro keeps its named prefixes only: its wider 50/56-69 space would let one bare
 * 12-digit order number in ten through the Luhn check.
 */
const ALL_LENGTHS = [12, 13, 14, 15, 16, 17, 18, 19] as const;
const ISSUERS: ReadonlyArray<{ name: string; test: (digits: string) => boolean; lengths: readonly number[] }> = [
  { name: "visa", test: (d) => d.startsWith("4"), lengths: [13, 16, 17, 18, 19] },
  { name: "mastercard", test: (d) => inRange(d, 2, 51, 55) || inRange(d, 4, 2221, 2720), lengths: [16] },
  { name: "amex", test: (d) => inRange(d, 2, 34, 34) || inRange(d, 2, 37, 37), lengths: [15] },
  {
    name: "discover",
    test: (d) => d.startsWith("6011") || d.startsWith("65") || inRange(d, 3, 644, 649) || inRange(d, 6, 622126, 622925),
    lengths: [16, 17, 18, 19],
  },
  { name: "jcb", test: (d) => inRange(d, 4, 3528, 3589), lengths: [16, 17, 18, 19] },
  {
    name: "diners",
    test: (d) => inRange(d, 3, 300, 305) || d.startsWith("3095") || d.startsWith("36") || inRange(d, 2, 38, 39),
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: "unionpay", test: (d) => d.startsWith("62") || d.startsWith("81"), lengths: [16, 17, 18, 19] },
  { name: "mir", test: (d) => inRange(d, 4, 2200, 2204), lengths: [16, 17, 18, 19] },
  { name: "rupay", test: (d) => d.startsWith("60") || d.startsWith("82") || d.startsWith("508"), lengths: [16] },
  {
    name: "maestro",
    test: (d) => ["5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"].some((p) => d.startsWith(p)),
    lengths: ALL_LENGTHS,
  },
];

export function detectCreditCard(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const length = cardLength(match[0]);
    if (length > 0) spans.push({ type: "CREDIT_CARD", start: match.index, end: match.index + length });
  }
  return spans;
}

export function isCardNumber(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19) return false;
  // Ranges overlap (Discover and UnionPay share 622126-622925), so any issuer that fits the length counts.
  const issued = ISSUERS.some((issuer) => issuer.test(digits) && issuer.lengths.includes(digits.length));
  return issued && luhnValid(digits);
}

/** Luhn (mod 10): double every second digit from the right, sum the digits, total must end in 0. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function inRange(digits: string, prefixLength: number, low: number, high: number): boolean {
  const prefix = Number(digits.slice(0, prefixLength));
  return prefix >= low && prefix <= high;
}

/**
 * Length of the card number at the start of `raw`, or 0. A grouped number directly followed by another digit
 * group ("4111 1111 1111 1111 2024") over-matches, so up to two trailing groups are dropped and retried.
 */
function cardLength(raw: string): number {
  let end = raw.length;
  for (let attempt = 0; attempt < 3; attempt++) {
    const candidate = raw.slice(0, end);
    if (hasCardLayout(candidate) && isCardNumber(candidate.replace(/\D/g, ""))) return end;
    const cut = Math.max(candidate.lastIndexOf(" "), candidate.lastIndexOf("-"));
    if (cut <= 0) return 0;
    end = cut;
  }
  return 0;
}

/** Printed cards use one separator kind and groups of 4-6 digits (the last may be 1-7); never "1 2 3 4". */
function hasCardLayout(candidate: string): boolean {
  if (!hasConsistentSeparators(candidate)) return false;
  const groups = candidate.split(/[ -]/);
  if (groups.length === 1) return true;
  return groups.every((group, i) =>
    i === groups.length - 1 ? group.length >= 1 : group.length >= 4 && group.length <= 6,
  );
}

/** "4111 1111-1111 1111" mixes separators: real cards are written with one kind, or none. */
function hasConsistentSeparators(raw: string): boolean {
  const separators = raw.replace(/\d/g, "");
  return separators.length === 0 || /^(?: +|-+)$/.test(separators);
}
