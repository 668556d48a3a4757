/**
 * Equality of secrets without an early exit, so response timing does not reveal how many leading
 * bytes matched. Lengths are not secret here (hash and token lengths are fixed by format).
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  // Lengths are equal, so both reads are in range; `?? 0` only satisfies the index type.
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** String form for tokens compared as text (e.g. the operator token). */
export function stringsEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  return bytesEqual(encoder.encode(a), encoder.encode(b));
}
