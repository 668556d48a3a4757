import { z } from "zod";

/**
 * `X-Session-Id` / `:session`: any printable ASCII a client picks (a UUID, `chat-42`, ...), bounded so a
 * key stays small. Components are escaped in the key, so the charset needs no further restriction.
 */
export const SessionId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "must be 1-128 printable ASCII characters without spaces");

export interface MemoryScope {
  projectId: string;
  /** The JWT `uid` claim: a user of that project, never taken from the request body. */
  uid: string;
  session: string;
}

/** Bumped if the stored value format changes, so old and new layouts never read each other. */
const LAYOUT_VERSION = "v1";

/**
 * `tg:mem:v1:{projectId}:{uid}:{session}`, each component percent-encoded.
 *
 * Threat: a uid of `alice:s1` with session `x` must not name the same key as uid `alice` with session
 * `s1:x`. `encodeURIComponent` escapes `:` (and `%` itself), so the encoding is injective and the three
 * separators are the only raw colons: one user's key can never equal another's.
 */
export function memoryKey(scope: MemoryScope): string {
  const parts = [scope.projectId, scope.uid, scope.session].map(encodeURIComponent);
  return `tg:mem:${LAYOUT_VERSION}:${parts.join(":")}`;
}
