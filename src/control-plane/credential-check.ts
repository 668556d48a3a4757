import { verifySecret } from "../auth/argon2";

/**
 * Argon2id costs ~100 ms in workerd, too slow to pay on every call. A secret whose hash verified once is
 * remembered per isolate by its lookup index together with the exact stored hash; the row itself is still read
 * on every call, so a revocation or a rotated hash takes effect at once.
 */
const verified = new Map<string, string>();
const MAX_ENTRIES = 10_000;

export async function secretMatches(secret: string, lookupIndex: string, storedHash: string): Promise<boolean> {
  if (verified.get(lookupIndex) === storedHash) return true;
  if (!(await verifySecret(secret, storedHash))) return false;
  if (verified.size >= MAX_ENTRIES) verified.clear();
  verified.set(lookupIndex, storedHash);
  return true;
}
