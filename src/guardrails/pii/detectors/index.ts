import type { PiiDetector, PiiEntity } from "../entities";
import { detectAddress } from "./address";
import { detectCreditCard } from "./credit-card";
import { detectDateOfBirth } from "./date-of-birth";
import { detectEmail } from "./email";
import { detectIban } from "./iban";
import { detectIpAddress } from "./ip-address";
import { detectPerson } from "./person";
import { detectPhone } from "./phone";
import { detectSecret } from "./secret";
import { detectSsn } from "./ssn";

/**
 * Every detector, in the order overlaps are settled: when two spans overlap, the type listed first wins.
 * Checksummed and prefixed formats come before heuristics, so "sk-…" inside an address-looking line stays a
 * SECRET and a card number is never re-read as a phone number.
 */
export const DETECTORS: Readonly<Record<PiiEntity, PiiDetector>> = {
  SECRET: detectSecret,
  IBAN: detectIban,
  CREDIT_CARD: detectCreditCard,
  EMAIL: detectEmail,
  SSN: detectSsn,
  IP_ADDRESS: detectIpAddress,
  PHONE: detectPhone,
  ADDRESS: detectAddress,
  DATE_OF_BIRTH: detectDateOfBirth,
  PERSON: detectPerson,
};

export const PRIORITY: readonly PiiEntity[] = Object.keys(DETECTORS) as PiiEntity[];
