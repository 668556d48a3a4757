import { sha256Hex, toHex } from "./hex";

/**
 * API key format (SPEC): `tg_sk_live_` + 32 lowercase hex = 128 bits from a CSPRNG.
 *
 * A key is stored as two values: an Argon2id hash (argon2.ts) that proves possession, and the
 * SHA-256 lookup index below, kept in a unique column so a presented key finds its row in one
 * indexed read. The index is not secret-equivalent only because the key has 128 bits of entropy:
 * a plain hash of a low-entropy password would be brute-forceable, this one is not.
 */
export const API_KEY_PREFIX = "tg_sk_live_";
const API_KEY = /^tg_sk_live_[0-9a-f]{32}$/;
/** Display prefix length: the fixed prefix plus 5 random characters, enough to tell keys apart in a list. */
const DISPLAY_CHARS = 16;

export function generateApiKey(): string {
  return API_KEY_PREFIX + toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** The key when `value` is exactly a well-formed API key, else null (no trimming, no case folding). */
export function parseApiKey(value: string): string | null {
  return API_KEY.test(value) ? value : null;
}

export function apiKeyLookupIndex(key: string): Promise<string> {
  return sha256Hex(key);
}

/** Safe to show and log: identifies a key without revealing enough of it to matter. */
export function apiKeyPrefix(key: string): string {
  return `${key.slice(0, DISPLAY_CHARS)}…`;
}
