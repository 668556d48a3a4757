import { importPKCS8, SignJWT } from "jose";
import { z } from "zod";
import { sha256Hex } from "../auth/hex";

/**
 * OAuth access tokens for Vertex AI from a Google service-account key (RFC 7523 JWT bearer grant):
 * sign a short assertion with the key's RSA private key (RS256), POST it to the token endpoint, and
 * cache the access token per (service account, token URL) until shortly before it expires.
 */

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** Google accepts assertions valid for at most one hour. */
const ASSERTION_TTL_S = 3600;
/** Refresh this long before expiry, so a token never expires between the cache check and the call. */
const REFRESH_SKEW_MS = 5 * 60_000;
/** Bounds the isolate's memory when many tenants use Vertex; the oldest entry goes first. */
const MAX_CACHED_TOKENS = 500;

/** The fields of a downloaded service-account JSON key that the grant needs; extra fields are ignored. */
export const ServiceAccount = z.object({
  type: z.literal("service_account"),
  project_id: z.string().min(1),
  private_key_id: z.string().optional(),
  private_key: z.string().includes("PRIVATE KEY"),
  client_email: z.email(),
});
export type ServiceAccount = z.infer<typeof ServiceAccount>;

export function parseServiceAccount(plaintext: string): ServiceAccount | null {
  try {
    return ServiceAccount.safeParse(JSON.parse(plaintext)).data ?? null;
  } catch {
    return null;
  }
}

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().default(3600) });
const TokenError = z.object({ error: z.string(), error_description: z.string().optional() });

export type TokenResult = { ok: true; token: string } | { ok: false; status: number; message: string };

export interface TokenOptions {
  tokenUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Cached {
  token: string;
  expiresAt: number;
}
const cache = new Map<string, Cached>();
/** Concurrent requests for one account share one token exchange instead of racing. */
const inflight = new Map<string, Promise<TokenResult>>();

/** Signs the RFC 7523 assertion: issuer and subject-less, audience = the token endpoint. */
export async function signAssertion(account: ServiceAccount, tokenUrl: string, nowMs: number): Promise<string> {
  const key = await importPKCS8(account.private_key, "RS256");
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ scope: SCOPE })
    .setProtectedHeader({
      alg: "RS256",
      typ: "JWT",
      ...(account.private_key_id ? { kid: account.private_key_id } : {}),
    })
    .setIssuer(account.client_email)
    .setAudience(tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_TTL_S)
    .sign(key);
}

async function exchange(
  account: ServiceAccount,
  tokenUrl: string,
  doFetch: typeof fetch,
  nowMs: number,
): Promise<TokenResult & { expiresAt?: number }> {
  let assertion: string;
  try {
    assertion = await signAssertion(account, tokenUrl, nowMs);
  } catch {
    return { ok: false, status: 401, message: "the service account's private key cannot be read" };
  }
  const response = await doFetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
  });
  const body: unknown = await response.json().catch(() => null);
  const parsed = TokenResponse.safeParse(body);
  if (response.ok && parsed.success)
    return { ok: true, token: parsed.data.access_token, expiresAt: nowMs + parsed.data.expires_in * 1000 };
  const error = TokenError.safeParse(body).data;
  // invalid_grant / unauthorized_client: the key is wrong or disabled, which callers report as a rejected key.
  const status = response.ok ? 502 : response.status === 400 ? 401 : response.status;
  return {
    ok: false,
    status,
    message: error
      ? `${error.error}${error.error_description ? `: ${error.error_description}` : ""}`
      : `token endpoint answered HTTP ${response.status}`,
  };
}

/** A cached token when one has more than the refresh skew left, otherwise a fresh exchange. */
export async function vertexAccessToken(account: ServiceAccount, options: TokenOptions = {}): Promise<TokenResult> {
  const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
  const now = options.now ?? Date.now;
  // Keyed by a digest of the whole key: a rotated key under the same email gets its own token.
  const cacheKey = await sha256Hex(`${tokenUrl}\n${account.client_email}\n${account.private_key}`);
  const hit = cache.get(cacheKey);
  if (hit && hit.expiresAt - REFRESH_SKEW_MS > now()) return { ok: true, token: hit.token };
  const pending = inflight.get(cacheKey);
  if (pending !== undefined) return pending;
  const run = exchange(account, tokenUrl, options.fetch ?? fetch, now()).then((result) => {
    if (result.ok && result.expiresAt !== undefined) {
      cache.delete(cacheKey);
      cache.set(cacheKey, { token: result.token, expiresAt: result.expiresAt });
      const oldest = cache.keys().next();
      if (cache.size > MAX_CACHED_TOKENS && !oldest.done) cache.delete(oldest.value);
    }
    return result.ok ? { ok: true as const, token: result.token } : result;
  });
  inflight.set(cacheKey, run);
  try {
    return await run;
  } finally {
    inflight.delete(cacheKey);
  }
}

/** Test seam: forget every cached token. */
export function clearVertexTokenCache(): void {
  cache.clear();
}
