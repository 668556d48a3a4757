import { stringsEqual } from "../auth/constant-time";
import { toHex } from "../auth/hex";
import { activeMasterKeyBytes } from "../secrets/master-keys";

/**
 * Budget-alert webhooks are signed so a receiver can tell them from a forgery: anyone who learns the URL
 * could otherwise post "budget reached" and make a tenant's automation suspend its own projects.
 *
 * Header `X-Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp
 * is inside the MAC, so a receiver that rejects signatures older than a few minutes also rejects replays.
 *
 * The per-tenant secret is derived, not stored: HMAC-SHA256(active BYOK master key, "tollgate-webhook-v1:" +
 * tenant id). Nothing new sits in D1 or in a Durable Object; the tenant admin reads it from
 * `GET /v1/tenants/:id/budget-alerts`. Rotating the master key rotates every webhook secret.
 */
export const SIGNATURE_HEADER = "X-Tollgate-Signature";

export async function webhookSigningSecret(env: { BYOK_MASTER_KEYS?: string }, tenantId: string): Promise<string> {
  const active = activeMasterKeyBytes(env.BYOK_MASTER_KEYS);
  // loadConfig has validated the secret before any request reached a Durable Object; never echo it.
  if (!active) throw new Error("BYOK_MASTER_KEYS is missing or malformed");
  const mac = await hmac(active.raw, `tollgate-webhook-v1:${tenantId}`);
  return `whsec_${toHex(mac)}`;
}

export async function signWebhook(secret: string, timestampSeconds: number, body: string): Promise<string> {
  const mac = await hmac(new TextEncoder().encode(secret), `${timestampSeconds}.${body}`);
  return `t=${timestampSeconds},v1=${toHex(mac)}`;
}

/** What a receiver does; used by the tests and shown in docs/limits.md. */
export async function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = await signWebhook(secret, timestamp, body);
  return stringsEqual(expected, header);
}

async function hmac(keyBytes: Uint8Array, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}
