import { CachedAnswer } from "./answer";
import { type CacheKeys, seal, unseal } from "./seal";

/**
 * The response cache's storage: the Workers Cache API (per data centre, no binding to configure; miniflare
 * implements it locally). Entries are addressed by an opaque name under a host no request can reach, and
 * hold only sealed text (seal.ts).
 */
const CACHE_NAME = "tollgate-responses";
const ENTRY_ORIGIN = "https://response-cache.tollgate.invalid";

function entryRequest(name: string): Request {
  return new Request(`${ENTRY_ORIGIN}/${name}`, { method: "GET" });
}

/** The entry under `name`, or null when absent, expired, unreadable with today's key, or malformed. */
export async function readEntry(keys: CacheKeys, name: string, now: number): Promise<CachedAnswer | null> {
  const cache = await caches.open(CACHE_NAME);
  const found = await cache.match(entryRequest(name));
  if (!found) return null;
  const plain = await unseal(keys, name, await found.text());
  if (plain === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch {
    return null;
  }
  const parsed = CachedAnswer.safeParse(json);
  if (!parsed.success || parsed.data.expiresAt <= now) return null;
  return parsed.data;
}

/** Stores `entry` sealed, for the seconds left until it expires. */
export async function writeEntry(keys: CacheKeys, name: string, entry: CachedAnswer, now: number): Promise<void> {
  const seconds = Math.max(1, Math.ceil((entry.expiresAt - now) / 1000));
  const sealed = await seal(keys, name, JSON.stringify(entry));
  const cache = await caches.open(CACHE_NAME);
  await cache.put(
    entryRequest(name),
    new Response(sealed, {
      headers: { "Content-Type": "application/octet-stream", "Cache-Control": `max-age=${seconds}` },
    }),
  );
}
