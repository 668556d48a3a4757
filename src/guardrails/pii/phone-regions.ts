import { type CountryCode, isSupportedCountry } from "libphonenumber-js/max";

/**
 * Regions a national-format phone number (no `+CC`) is tried against, in order, when a project does not set
 * `pii_phone_regions`: North America, the larger Western European numbering plans, Australia and India.
 * A number valid in any listed region counts as a phone number.
 */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = [
  "US",
  "GB",
  "DE",
  "FR",
  "ES",
  "IT",
  "NL",
  "CH",
  "AT",
  "BE",
  "CA",
  "AU",
  "IN",
];

export function isPhoneRegion(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
