import { Redis } from "@upstash/redis/cloudflare";

export interface UpstashOptions {
  url: string;
  token: string;
  /** Upper bound on one REST call; past it the call throws and the caller falls back or fails fast. */
  timeoutMs: number;
  /** The SDK's JSON parsing of string replies (its default, on); memory stores raw strings and turns it off. */
  automaticDeserialization?: boolean;
}

/**
 * An Upstash Redis REST client for the request path (conversation memory, the per-IP shared count). Both
 * callers bound their own wait, so the SDK must not: no retries (its default backs off for seconds), a fresh
 * timeout signal per request (the SDK turns a function signal's abort into a thrown error), no automatic
 * pipelining, no telemetry.
 */
export function upstashClient(options: UpstashOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    retry: false,
    signal: () => AbortSignal.timeout(options.timeoutMs),
    ...(options.automaticDeserialization !== undefined && {
      automaticDeserialization: options.automaticDeserialization,
    }),
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}
