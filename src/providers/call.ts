import { GatewayError } from "../errors";
import type { ProviderAdapter, UpstreamRequest } from "./adapter";
import type { ChatRequest } from "./openai-schema";
import { RETRYABLE_STATUSES, timeoutError, unreachableError, upstreamStatusError } from "./upstream-error";

/** One provider + model + key to try; `fetch` is injected (the mock's in-process fetch, or a test fake). */
export interface CallTarget {
  adapter: ProviderAdapter;
  providerLabel: string;
  model: string;
  apiKey: string;
  baseUrl: string;
  fetch?: typeof fetch;
}

interface CallSettings extends CallTarget {
  /** Time allowed until the upstream answers with headers; a stream's body is then governed by the idle timeout. */
  timeoutMs: number;
  /** The client's abort signal: aborting it aborts the upstream request, and nothing is retried. */
  signal?: AbortSignal;
  /**
   * Once the upstream answered, the client's abort no longer reaches its body: a stream reads on for the
   * provider's usage after the client hung up (src/streaming/upstream.ts `AbortBound`).
   */
  readOnAfterAbort?: boolean;
  /** Attempts per target for 429/5xx/connection failures (1 = no retry). Timeouts are not retried. */
  retry?: { attempts: number; delayMs?: number };
  /** Tried in order once the primary target's attempts are exhausted on a retryable failure. */
  fallbacks?: CallTarget[];
  /** Sent on every attempt besides the adapter's own headers: W3C `traceparent` (src/telemetry/). */
  headers?: Record<string, string>;
}

/**
 * A chat request (each target's adapter translates it), or any other upstream request built per target
 * (embeddings): retries, timeouts, fallbacks and error mapping are the same for both.
 */
export type CallOptions = CallSettings &
  ({ request: ChatRequest } | { buildRequest: (target: CallTarget) => UpstreamRequest });

export interface ProviderCall {
  response: Response;
  target: CallTarget;
  /** Total upstream requests made, across targets. */
  attempts: number;
}

const MAX_ERROR_BODY = 16_384;
const DEFAULT_RETRY_DELAY_MS = 200;
const MAX_RETRY_AFTER_MS = 2_000;

async function errorFor(target: CallTarget, response: Response): Promise<GatewayError> {
  let message: string | null = null;
  try {
    const text = (await response.text()).slice(0, MAX_ERROR_BODY);
    message = target.adapter.errorMessage(JSON.parse(text));
  } catch {
    // an unreadable error body still maps by status
  }
  return upstreamStatusError({
    providerLabel: target.providerLabel,
    status: response.status,
    providerMessage: message,
    apiKey: target.apiKey,
    retryAfterHeader: response.headers.get("retry-after"),
  });
}

type Attempt = { ok: true; response: Response } | { ok: false; error: GatewayError; retryable: boolean };

async function attempt(target: CallTarget, options: CallOptions): Promise<Attempt> {
  const { url, init } =
    "buildRequest" in options ? options.buildRequest(target) : target.adapter.toRequest(options.request, target);
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onClientAbort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("timeout"));
  }, options.timeoutMs);
  try {
    const headers = options.headers ? { ...init.headers, ...options.headers } : init.headers;
    const response = await (target.fetch ?? fetch)(url, { ...init, headers, signal: controller.signal });
    // On success the listener stays, unless the caller reads on after an abort: a client abort must otherwise
    // still reach the upstream body while it is read.
    if (response.ok) {
      if (options.readOnAfterAbort) options.signal?.removeEventListener("abort", onClientAbort);
      return { ok: true, response };
    }
    options.signal?.removeEventListener("abort", onClientAbort);
    return { ok: false, error: await errorFor(target, response), retryable: RETRYABLE_STATUSES.has(response.status) };
  } catch {
    options.signal?.removeEventListener("abort", onClientAbort);
    if (options.signal?.aborted) throw new GatewayError("provider_error", "The client cancelled the request.");
    if (timedOut) return { ok: false, error: timeoutError(target.providerLabel, options.timeoutMs), retryable: false };
    return { ok: false, error: unreachableError(target.providerLabel), retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

function retryDelay(error: GatewayError, options: CallOptions, attemptNo: number): number {
  if (options.retry?.delayMs !== undefined) return options.retry.delayMs;
  if (error.retryAfter !== undefined) return Math.min(error.retryAfter * 1000, MAX_RETRY_AFTER_MS);
  return DEFAULT_RETRY_DELAY_MS * 2 ** (attemptNo - 1);
}

/**
 * Calls the provider: request built by the adapter, a timeout until headers arrive, retries on
 * retryable failures, then each fallback target in turn. Resolves with the first 2xx response (body
 * unread, so a stream passes straight through); throws the last GatewayError otherwise. No message
 * ever contains the API key.
 */
export async function callProvider(options: CallOptions): Promise<ProviderCall> {
  const targets: CallTarget[] = [options, ...(options.fallbacks ?? [])];
  const perTarget = Math.max(1, options.retry?.attempts ?? 1);
  let attempts = 0;
  let lastError: GatewayError | null = null;
  for (const target of targets) {
    for (let n = 1; n <= perTarget; n++) {
      attempts++;
      const result = await attempt(target, options);
      if (result.ok) return { response: result.response, target, attempts };
      lastError = result.error;
      if (!result.retryable) break;
      if (n < perTarget) await new Promise((resolve) => setTimeout(resolve, retryDelay(result.error, options, n)));
    }
    // Fallbacks exist for failures of the provider, not of the request: a 400 would fail anywhere.
    if (lastError && lastError.code === "invalid_request") break;
  }
  throw lastError ?? new GatewayError("provider_error", "No provider was tried.");
}
