import { GatewayError } from "../errors";
import { base64ToBytes } from "./base64";

/**
 * BYOK master keys from the `BYOK_MASTER_KEYS` secret: `"v2:<base64 32 bytes>,v1:<base64 32 bytes>"`.
 * The first entry encrypts; every entry decrypts, so a new key can be put first and the stored
 * ciphertexts re-encrypted in the background without any downtime (docs/security.md).
 */
export interface MasterKey {
  version: string;
  key: CryptoKey;
}

export interface MasterKeyRing {
  active: MasterKey;
  byVersion: ReadonlyMap<string, MasterKey>;
}

const ENTRY = /^(v\d{1,6}):([A-Za-z0-9+/_-]{43}=?)$/;

let cached: { secret: string; ring: Promise<MasterKeyRing> } | undefined;

/** Parsed and imported once per isolate; a malformed secret is a configuration fault, never echoed. */
export function parseMasterKeys(secret: string): Promise<MasterKeyRing> {
  if (cached?.secret !== secret) {
    const ring = importRing(secret);
    cached = { secret, ring };
    ring.catch(() => {
      if (cached?.ring === ring) cached = undefined;
    });
  }
  return cached.ring;
}

async function importRing(secret: string): Promise<MasterKeyRing> {
  const entries = secret.split(",").map((entry) => entry.trim());
  const keys: MasterKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const match = ENTRY.exec(entry);
    const [, version, rawText] = match ?? [];
    const raw = rawText === undefined ? null : base64ToBytes(rawText);
    if (version === undefined || raw?.length !== 32) {
      throw misconfigured(`entry ${index + 1} must be v<n>:<base64 of 32 bytes>`);
    }
    if (keys.some((key) => key.version === version)) throw misconfigured(`version ${version} appears twice`);
    // Not extractable and usable only for AES-GCM: the raw bytes leave this function as an opaque handle.
    const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    keys.push({ version, key });
  }
  const active = keys[0];
  if (!active) throw misconfigured("has no key");
  return { active, byVersion: new Map(keys.map((key) => [key.version, key])) };
}

function misconfigured(reason: string): GatewayError {
  return new GatewayError("misconfigured", `Gateway misconfigured: BYOK_MASTER_KEYS ${reason}.`);
}

/**
 * The active (first) master key's raw bytes and version, for keys derived from it (webhook secrets, the
 * response-cache keys); null when the secret is missing or malformed. Never echoed.
 */
export function activeMasterKeyBytes(secret: string | undefined): { version: string; raw: Uint8Array } | null {
  const match = ENTRY.exec(secret?.split(",")[0]?.trim() ?? "");
  const [, version, rawText] = match ?? [];
  const raw = rawText === undefined ? null : base64ToBytes(rawText);
  return version !== undefined && raw?.length === 32 ? { version, raw } : null;
}
