/**
 * Where a tenant may point a provider's API base URL (BYOK `base_url`). The gateway calls that URL with the
 * tenant's key and, at validation, on the tenant admin's say-so alone, so an unchecked URL is a request
 * forgery primitive: `http://169.254.169.254/…` or `https://10.0.0.5/` would have the Worker call a host
 * the tenant cannot reach itself. Only `https:` to a public name or address is accepted.
 *
 * What this cannot see: a public DNS name that resolves to a private address. Workers have no DNS API
 * and Cloudflare's edge does not route `fetch` into private ranges; the literal and well-known names are
 * refused here so a self-hosted runtime with another network does not depend on that.
 */
export type BaseUrlVerdict = { ok: true } | { ok: false; reason: string };

const PRIVATE_ADDRESS: BaseUrlVerdict = { ok: false, reason: "must not be a loopback, private or link-local address" };

/** `allowPrivate`: local development, where the mock upstreams and test fakes listen on loopback. */
export function checkBaseUrl(raw: string, options: { allowPrivate: boolean }): BaseUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (options.allowPrivate) {
    return url.protocol === "https:" || url.protocol === "http:"
      ? { ok: true }
      : { ok: false, reason: "must be http(s)" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must use https:" };
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const v4 = parseIpv4(host);
  if (v4) return isPrivateIpv4(v4) ? PRIVATE_ADDRESS : { ok: true };
  if (host.startsWith("[")) return isPrivateIpv6(host.slice(1, -1)) ? PRIVATE_ADDRESS : { ok: true };
  if (isInternalName(host)) return { ok: false, reason: "must not name a local or internal host" };
  return { ok: true };
}

function isInternalName(host: string): boolean {
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    host.endsWith(".home.arpa") ||
    !host.includes(".") // a single label only resolves on a private resolver
  );
}

/** WHATWG URL parsing already turns `0x7f.1`, `2130706433` and friends into dotted quads. */
function parseIpv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

function isPrivateIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

function isPrivateIpv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  // IPv4-mapped (`::ffff:10.0.0.1`, which URL normalises to `::ffff:a00:1`): judge the embedded address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? "0", 16);
    const low = Number.parseInt(mapped[2] ?? "0", 16);
    return isPrivateIpv4([high >> 8, high & 255, low >> 8, low & 255]);
  }
  const first = Number.parseInt(lower.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}
