import { decryptProviderKey, type ByokContext, type DecryptResult } from "./byok-cipher";
import type { MasterKeyRing } from "./master-keys";

/**
 * Opened BYOK keys, remembered per isolate so the chat hot path does not run AES-GCM on every request.
 *
 * The cache key is the owner context plus the ciphertext itself: storing a key again seals it with a
 * fresh IV, so a replaced key is a new entry and the old plaintext is never served; and because the
 * context is part of the key, a ciphertext copied into another tenant's row still has to pass the
 * AEAD check (byok-cipher.ts) instead of hitting the owner's entry. Only successful opens are kept, at
 * most MAX_OPENED of them (least recently used leaves first), and everything is dropped when the master
 * keyring changes, so removing a master key stops its plaintexts being served. The plaintext goes to
 * the caller only; it is never logged (docs/security.md).
 */
const MAX_OPENED = 256;

let cache: { ring: MasterKeyRing; opened: Map<string, Extract<DecryptResult, { ok: true }>> } | undefined;

export async function openProviderKey(
  sealed: string,
  context: ByokContext,
  ring: MasterKeyRing,
): Promise<DecryptResult> {
  if (cache?.ring !== ring) cache = { ring, opened: new Map() };
  const { opened } = cache;
  const key = JSON.stringify([context.tenantId, context.provider, context.scope ?? "", sealed]);
  const hit = opened.get(key);
  if (hit) {
    opened.delete(key); // re-insert: Map order is the recency order
    opened.set(key, hit);
    return hit;
  }
  const result = await decryptProviderKey(sealed, context, ring);
  if (!result.ok) return result;
  opened.set(key, result);
  const oldest = opened.keys().next();
  if (opened.size > MAX_OPENED && !oldest.done) opened.delete(oldest.value);
  return result;
}
