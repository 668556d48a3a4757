import { GatewayError } from "../errors";

/**
 * Upstream HTTP failures → the gateway's error codes (SPEC "Errors": upstream failures are 502/504 with
 * the provider named; no secrets in any message).
 *
 * | upstream                    | gateway                                              |
 * |-----------------------------|------------------------------------------------------|
 * | 400, 404, 409, 413, 422     | 400 invalid_request, with the provider's message (sanitised) |
 * | 401, 403                    | 502 provider_error "<P> rejected the key"            |
 * | 429                         | 429 provider_rate_limited, upstream Retry-After kept |
 * | 5xx, other                  | 502 provider_error "<P> returned HTTP n"             |
 * | connection failure          | 502 provider_error "<P> could not be reached"        |
 * | no answer within timeout    | 504 provider_timeout                                 |
 *
 * A 401 is not the client's fault (the key is the tenant's BYOK key or the operator's), so it is a
 * 502 rather than passed on as 401, which the client would read as its own token being rejected.
 */

const MAX_MESSAGE = 300;
/** Things that look like credentials: provider key prefixes and long opaque tokens. */
const KEY_LIKE = /\b(sk|pk|rk|gsk|xai|AIza|co|tg)[-_A-Za-z0-9]{12,}|\b[A-Za-z0-9_-]{32,}\b/g;

/** A provider's message made safe to show: one line, bounded, with the key and key-like strings removed. */
export function sanitiseProviderMessage(message: string, apiKey: string): string {
  let text = message.replace(/\s+/g, " ").trim();
  if (apiKey) text = text.split(apiKey).join("[redacted]");
  text = text.replace(KEY_LIKE, "[redacted]");
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function upstreamStatusError(input: {
  providerLabel: string;
  status: number;
  providerMessage: string | null;
  apiKey: string;
  retryAfterHeader?: string | null;
}): GatewayError {
  const { providerLabel, status } = input;
  if (status === 401 || status === 403) return new GatewayError("provider_error", `${providerLabel} rejected the key.`);
  if (status === 429) {
    const retryAfter = Number(input.retryAfterHeader);
    return new GatewayError("provider_rate_limited", `${providerLabel} is rate limiting requests; retry later.`, {
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    });
  }
  if (status >= 400 && status < 500) {
    const detail = input.providerMessage ? `: ${sanitiseProviderMessage(input.providerMessage, input.apiKey)}` : ".";
    return new GatewayError("invalid_request", `${providerLabel} rejected the request${detail}`);
  }
  return new GatewayError("provider_error", `${providerLabel} returned HTTP ${status}.`);
}

export function unreachableError(providerLabel: string): GatewayError {
  return new GatewayError("provider_error", `${providerLabel} could not be reached.`);
}

export function timeoutError(providerLabel: string, timeoutMs: number): GatewayError {
  return new GatewayError("provider_timeout", `${providerLabel} did not respond within ${timeoutMs} ms.`);
}

export function malformedError(providerLabel: string): GatewayError {
  return new GatewayError("provider_error", `${providerLabel} returned a response the gateway could not read.`);
}
