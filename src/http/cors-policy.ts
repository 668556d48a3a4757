/**
 * Per-project CORS decisions, pure. Entries are exact origins (`https://app.example.com`) or one leading
 * wildcard label (`https://*.example.com`, matching any subdomain, never the apex). The `null` origin
 * (sandboxed iframes, file:// pages) is always refused: it is shared by every such page.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): origin is string {
  if (!origin || origin === "null") return false;
  const candidate = normaliseOrigin(origin);
  if (!candidate) return false;
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase();
    if (!pattern.includes("*")) return pattern === candidate;
    const [scheme, hostPattern] = pattern.split("://") as [string, string];
    const suffix = hostPattern.slice(1); // ".example.com[:port]"
    return (
      candidate.startsWith(`${scheme}://`) &&
      candidate.endsWith(suffix) &&
      candidate.length > `${scheme}://`.length + suffix.length
    );
  });
}

/** `scheme://host[:port]` lowercased, or null when the header is not a plain origin. */
function normaliseOrigin(origin: string): string | null {
  if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) return null;
  return origin.toLowerCase();
}

/**
 * What the OpenAI and Anthropic SDKs send from a browser (Anthropic's key travels in `X-Api-Key`). Both are
 * Stainless-generated and add `X-Stainless-*` telemetry headers to every request; a preflight that did not
 * allow them would stop the SDK before its first call. They carry no credential and the gateway ignores them.
 */
export const CORS_ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "X-Session-Id",
  "X-Request-Id",
  "OpenAI-Beta",
  "X-Api-Key",
  "Anthropic-Version",
  "Anthropic-Beta",
  "Anthropic-Dangerous-Direct-Browser-Access",
  ...["Lang", "Package-Version", "OS", "Arch", "Runtime", "Runtime-Version", "Retry-Count", "Timeout"].map(
    (name) => `X-Stainless-${name}`,
  ),
  "X-Stainless-Helper",
  "X-Stainless-Helper-Method",
  // Response cache controls (docs/cache.md).
  "Cache-Control",
  "X-Tollgate-Cache",
  "X-Tollgate-Cache-Tools",
].join(", ");
export const CORS_EXPOSED_HEADERS = [
  "X-Request-Id",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "Retry-After",
  "X-Tollgate-Cost-Usd",
  "X-Tollgate-Budget-Remaining-Tokens",
  "X-Tollgate-Budget-Remaining-Usd",
  "X-Tollgate-Cache",
].join(", ");
/** Browsers may cache a preflight this long; the actual request is re-checked against live settings anyway. */
export const CORS_MAX_AGE_SECONDS = 600;
