import { sha256Hex } from "../auth/hex";
import { base64ToBytes, bytesToBase64Url } from "./base64";
import type { MasterKeyRing } from "./master-keys";

/**
 * AES-256-GCM for tenants' provider keys (BYOK). The only code that sees a provider key in plaintext.
 *
 * Sealed form: `<keyVersion>.<iv b64url>.<ciphertext+tag b64url>`, e.g. `v2.Q1x….k9Z…`. The version names
 * the master key, so rotation never needs a schema change. The IV is 96 random bits per encryption:
 * with one key, the collision risk stays below 2^-32 for up to 2^32 encryptions (NIST SP 800-38D), far
 * beyond the number of provider keys a gateway stores.
 *
 * Associated data binds the ciphertext to its owner: `tollgate-byok/v1|<tenantId>|<provider>|<scope>`.
 * A row copied to another tenant or provider column fails to decrypt instead of leaking a key to the
 * wrong tenant. Each field is length-prefixed so no choice of ids can make two contexts collide.
 */
export interface ByokContext {
  tenantId: string;
  provider: string;
  /** Narrows a credential further, e.g. a cost center; omitted means tenant-wide. */
  scope?: string;
}

/** Refusals are values: a sealed key that cannot be opened is a data problem, not a crash. */
export type DecryptResult =
  | { ok: true; plaintext: string; keyVersion: string }
  | { ok: false; reason: "malformed" | "unknown_key_version" | "authentication_failed" };

const IV_BYTES = 12;
const GCM_TAG_BITS = 128;
const SEALED = /^(v\d{1,6})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export async function encryptProviderKey(
  plaintext: string,
  context: ByokContext,
  ring: MasterKeyRing,
): Promise<string> {
  if (plaintext.length === 0) throw new RangeError("provider key is empty");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: associatedData(context), tagLength: GCM_TAG_BITS },
    ring.active.key,
    new TextEncoder().encode(plaintext),
  );
  return `${ring.active.version}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(sealed))}`;
}

export async function decryptProviderKey(
  sealed: string,
  context: ByokContext,
  ring: MasterKeyRing,
): Promise<DecryptResult> {
  const match = SEALED.exec(sealed);
  const [, keyVersion, ivText, ciphertextText] = match ?? [];
  const iv = ivText === undefined ? null : base64ToBytes(ivText);
  const ciphertext = ciphertextText === undefined ? null : base64ToBytes(ciphertextText);
  if (keyVersion === undefined || iv?.length !== IV_BYTES || !ciphertext) return { ok: false, reason: "malformed" };
  const master = ring.byVersion.get(keyVersion);
  if (!master) return { ok: false, reason: "unknown_key_version" };
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: associatedData(context), tagLength: GCM_TAG_BITS },
      master.key,
      ciphertext,
    );
    return { ok: true, plaintext: new TextDecoder().decode(plaintext), keyVersion };
  } catch {
    // WebCrypto throws OperationError for a wrong key, wrong AAD or any altered byte: all mean "not yours".
    return { ok: false, reason: "authentication_failed" };
  }
}

/**
 * Rotation: opens a sealed key with whichever master key sealed it and seals it again with the active
 * one. Returns the input unchanged (and `changed: false`) when it is already under the active key.
 */
export async function reencryptWithActiveKey(
  sealed: string,
  context: ByokContext,
  ring: MasterKeyRing,
): Promise<{ ok: true; sealed: string; changed: boolean } | Extract<DecryptResult, { ok: false }>> {
  const opened = await decryptProviderKey(sealed, context, ring);
  if (!opened.ok) return opened;
  if (opened.keyVersion === ring.active.version) return { ok: true, sealed, changed: false };
  return { ok: true, sealed: await encryptProviderKey(opened.plaintext, context, ring), changed: true };
}

/** `sha256:` + 12 hex characters: lets a tenant recognise which key is stored, reveals nothing usable. */
export async function keyFingerprint(plaintext: string): Promise<string> {
  return `sha256:${(await sha256Hex(plaintext)).slice(0, 12)}`;
}

export function keyVersionOf(sealed: string): string | null {
  return SEALED.exec(sealed)?.[1] ?? null;
}

function associatedData({ tenantId, provider, scope = "" }: ByokContext): Uint8Array {
  const fields = ["tollgate-byok/v1", tenantId, provider, scope];
  return new TextEncoder().encode(fields.map((field) => `${field.length}:${field}`).join("|"));
}
