import { electronicFormatIBAN, validateIBAN, ValidationErrorsIBAN } from "ibantools";
import type { PiiSpan } from "../entities";

/**
 * IBANs, bare or printed in groups of four. ibantools checks the country's registered length and BBAN
 * structure and the ISO 7064 mod-97 checksum, so a random "XX00…" string passes about once in 97 times
 * the structural checks already let it through. A failed *national* check digit (Belgium, France, Poland,
 * Spain, …) is tolerated: the value is still an account number someone typed, and PII Shield protects data,
 * it does not validate payments.
 */
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;

export function detectIban(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const length = longestValidPrefix(match[0]);
    if (length > 0) spans.push({ type: "IBAN", start: match.index, end: match.index + length });
  }
  return spans;
}

/** A grouped IBAN followed by an unrelated code ("… 62 OK") over-matches; shorten group by group. */
function longestValidPrefix(candidate: string): number {
  let end = candidate.length;
  while (end >= 15) {
    const compact = electronicFormatIBAN(candidate.slice(0, end)) ?? "";
    if (isIbanShaped(compact)) return end;
    const cut = candidate.lastIndexOf(" ", end - 1);
    if (cut < 0) break;
    end = cut;
  }
  return 0;
}

export function isIbanShaped(compact: string): boolean {
  const { errorCodes } = validateIBAN(compact);
  return errorCodes.every((code) => code === ValidationErrorsIBAN.WrongAccountBankBranchChecksum);
}
