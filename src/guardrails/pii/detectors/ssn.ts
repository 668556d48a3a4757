import type { PiiSpan } from "../entities";

/**
 * US Social Security numbers: AAA-GG-SSSS with the SSA's structural rules (area never 000, 666 or 9xx;
 * group never 00; serial never 0000). The grouped form must use one separator; the bare nine-digit form is
 * accepted only right after an "SSN"/"social security" cue, since nine-digit runs are mostly other ids.
 */
const GROUPED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|-\d)/g;
const BARE_WITH_CUE = /\b(?:ssn|social security(?: number| no\.?)?|ss#)\s*(?:is|:|#|=)?\s*(\d{9})\b/gi;

export function detectSsn(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(GROUPED)) {
    const [raw, area = "", , group = "", serial = ""] = match;
    if (isValidSsn(area, group, serial)) spans.push({ type: "SSN", start: match.index, end: match.index + raw.length });
  }
  for (const match of text.matchAll(BARE_WITH_CUE)) {
    const digits = match[1] ?? "";
    const start = match.index + match[0].length - digits.length;
    if (isValidSsn(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)))
      spans.push({ type: "SSN", start, end: start + 9 });
  }
  return spans;
}

export function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area === "000" || area === "666" || area.startsWith("9")) return false;
  return group !== "00" && serial !== "0000";
}
