import { retiredKeyDropTime } from "../auth/key-retirement";
import type { SigningKeyJwk } from "../auth/signing-keys";
import { toHex } from "../auth/hex";
import { bytesToBase64 } from "./base64";

/**
 * Generators for the three Worker secrets. WebCrypto only, so the same code runs in Node (the
 * generate-secrets script) and in workerd (tests build their keys with it).
 */

/** A fresh RS256 private JWK with a sortable, unique `kid` (UTC date + 6 random hex characters). */
export async function generateSigningJwk(now: Date = new Date()): Promise<SigningKeyJwk> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const { n, e, d, p, q, dp, dq, qi } = jwk;
  if (!n || !e || !d || !p || !q || !dp || !dq || !qi) throw new Error("WebCrypto exported an incomplete RSA key");
  const kid = `${now.toISOString().slice(0, 10)}-${toHex(crypto.getRandomValues(new Uint8Array(3)))}`;
  return { kty: "RSA", kid, alg: "RS256", use: "sig", n, e, d, p, q, dp, dq, qi };
}

/**
 * Rotation: the new key goes first (it signs from now on); the previous signer stays published, marked
 * `retired_at` so it is dropped once its last token has expired. Already-retired entries are kept as they are.
 */
export function addSigningKey(existingJson: string, newKey: SigningKeyJwk, now: Date = new Date()): string {
  const existing = parseKeyList(existingJson);
  const retiredAt = now.toISOString();
  const kept = existing.map((key) => (key.retired_at ? key : { ...key, retired_at: retiredAt }));
  return JSON.stringify([newKey, ...kept]);
}

/** Removes retired keys whose tokens have all expired; they are no longer published anyway. */
export function pruneSigningKeys(existingJson: string, now: Date = new Date()): { json: string; removed: string[] } {
  const existing = parseKeyList(existingJson);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const keep = existing.filter((key) => !key.retired_at || nowSeconds <= retiredKeyDropTime(key.retired_at));
  const removed = existing.filter((key) => !keep.includes(key)).map((key) => key.kid);
  return { json: JSON.stringify(keep), removed };
}

/** A fixed message on failure: JSON.parse's own would quote part of the secret. */
function parseKeyList(json: string): SigningKeyJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error("JWT_SIGNING_KEYS is not valid JSON");
  }
  const isKeyList =
    Array.isArray(parsed) &&
    parsed.every(
      (key: unknown) => typeof key === "object" && key !== null && typeof (key as { kid?: unknown }).kid === "string",
    );
  if (!isKeyList) throw new Error("JWT_SIGNING_KEYS must be a JSON array of JWKs with a kid");
  return parsed as SigningKeyJwk[];
}

export async function generateSigningKeysSecret(now: Date = new Date()): Promise<string> {
  return JSON.stringify([await generateSigningJwk(now)]);
}

/** `v<n>:<base64 of 32 random bytes>`, one entry of BYOK_MASTER_KEYS. */
export function generateMasterKey(version: number): string {
  return `v${version}:${bytesToBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** Rotation: a new master key with the next version number, prepended so it encrypts from now on. */
export function addMasterKey(existing: string): string {
  const versions = existing
    .split(",")
    .map((entry) => /^v(\d+):/.exec(entry.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
  const next = Math.max(0, ...versions) + 1;
  return [
    generateMasterKey(next),
    ...existing
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  ].join(",");
}

/** 256 bits, prefixed so it is recognisable in a secret scanner. */
export function generateOperatorToken(): string {
  return `tg_op_${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
}
