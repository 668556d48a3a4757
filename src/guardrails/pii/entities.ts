import type { CountryCode } from "libphonenumber-js/max";

/**
 * The PII entity types PII Shield knows. The settings schema (`pii_entities`) imports this tuple, so a new
 * detector becomes configurable by adding its name here and a file under `detectors/`.
 */
export const PII_ENTITIES = [
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "SSN",
  "IBAN",
  "IP_ADDRESS",
  "SECRET",
  "PERSON",
  "ADDRESS",
  "DATE_OF_BIRTH",
] as const;

export type PiiEntity = (typeof PII_ENTITIES)[number];

/** A detected value: UTF-16 offsets into the scanned text, end exclusive. Never carries the value itself. */
export interface PiiSpan {
  type: PiiEntity;
  start: number;
  end: number;
}

/** Per-project detector settings; every field optional, absent means the documented default. */
export interface PiiDetectorOptions {
  /** ISO 3166 regions national phone numbers are tried against, in order (`pii_phone_regions`). */
  phoneRegions?: readonly CountryCode[];
}

/** One detector: finds every span of its type in `text`. Pure, and linear in the text length. */
export type PiiDetector = (text: string, options?: PiiDetectorOptions) => PiiSpan[];

export function isPiiEntity(value: string): value is PiiEntity {
  return (PII_ENTITIES as readonly string[]).includes(value);
}
