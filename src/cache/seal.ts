import { toHex } from "../auth/hex";
import { base64ToBytes, bytesToBase64 } from "../secrets/base64";
import { activeMasterKeyBytes } from "../secrets/master-keys";

/**
 * The response cache's two keys, derived with HKDF-SHA256 from the active BYOK master key (no new secret to
 * provision or rotate): an HMAC key that turns the canonical request into the entry's name, so a cache dump
 * shows no hash anyone could match against a guessed prompt, and an AES-256-GCM key that seals the answer.
 * Rotating the master key changes both, so older entries are simply never found again (a miss, not an error).
 */
export interface CacheKeys {
  version: string;
  naming: CryptoKey;
  sealing: CryptoKey;
}

let cached: { secret: string; keys: Promise<CacheKeys | null> } | undefined;

/** Derived once per isolate; null when the secret is missing (the cache is then bypassed, never unsealed). */
export function cacheKeys(secret: string | undefined): Promise<CacheKeys | null> {
  const text = secret ?? "";
  if (cached?.secret !== text) cached = { secret: text, keys: deriveKeys(text) };
  return cached.keys;
}

async function deriveKeys(secret: string): Promise<CacheKeys | null> {
  const active = activeMasterKeyBytes(secret);
  if (!active) return null;
  const base = await crypto.subtle.importKey("raw", active.raw, "HKDF", false, ["deriveKey"]);
  const params = (info: string) => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: new Uint8Array(32),
    info: new TextEncoder().encode(info),
  });
  const naming = await crypto.subtle.deriveKey(
    params("tollgate-response-cache-name-v1"),
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  const sealing = await crypto.subtle.deriveKey(
    params("tollgate-response-cache-seal-v1"),
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  return { version: active.version, naming, sealing };
}

/** The entry's name: hex HMAC-SHA256 of the canonical key text. */
export async function entryName(keys: CacheKeys, keyText: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", keys.naming, new TextEncoder().encode(keyText));
  return toHex(new Uint8Array(mac));
}

/**
 * `{v, iv, ct}` with the entry's name as associated data: an entry copied under another name fails to open,
 * so a cache writer that could swap entries still cannot serve one request's answer to another.
 */
export async function seal(keys: CacheKeys, name: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(name) },
    keys.sealing,
    new TextEncoder().encode(plaintext),
  );
  return JSON.stringify({ v: keys.version, iv: bytesToBase64(iv), ct: bytesToBase64(new Uint8Array(ct)) });
}

/** The plaintext, or null for anything that does not open under this key and name (tampered, older key, junk). */
export async function unseal(keys: CacheKeys, name: string, sealed: string): Promise<string | null> {
  try {
    const envelope: unknown = JSON.parse(sealed);
    if (typeof envelope !== "object" || envelope === null) return null;
    const { v, iv, ct } = envelope as Record<string, unknown>;
    if (v !== keys.version || typeof iv !== "string" || typeof ct !== "string") return null;
    const ivBytes = base64ToBytes(iv);
    const ctBytes = base64ToBytes(ct);
    if (!ivBytes || !ctBytes) return null;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: ivBytes, additionalData: new TextEncoder().encode(name) },
      keys.sealing,
      ctBytes,
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
