import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { GatewayError, renderError } from "../errors";
import type { RateLimitState } from "../limits/rate-limit-state";
import { anthropicEnvelope, speaksAnthropic } from "./anthropic-envelope";

/**
 * The one place an error becomes a response: the OpenAI envelope (on the Anthropic Messages routes, the superset
 * envelope both kinds of client read), `X-Request-Id`, rate-limit headers and `Retry-After`. Unknown faults are
 * logged by request id only (no message that could carry a secret).
 */
export function handleError(err: unknown, c: Context): Response {
  const normalised = err instanceof HTTPException ? fromHttpException(err) : err;
  if (!(normalised instanceof GatewayError)) {
    console.error(
      JSON.stringify({ level: "error", msg: "unhandled", request_id: c.get("requestId"), kind: errorKind(err) }),
    );
  }
  const { status, body, headers } = renderError(normalised);
  const requestId: string | undefined = c.get("requestId");
  const response = c.json(speaksAnthropic(c.req.path) ? anthropicEnvelope(body, requestId) : body, status as 400);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  if (requestId) response.headers.set("X-Request-Id", requestId);
  const rateLimit: RateLimitState | undefined = c.get("rateLimit");
  if (rateLimit) setRateLimitHeaders(response.headers, rateLimit);
  return response;
}

export function setRateLimitHeaders(headers: Headers, state: RateLimitState): void {
  headers.set("X-RateLimit-Limit", String(state.limit));
  headers.set("X-RateLimit-Remaining", String(Math.max(0, state.remaining)));
  headers.set("X-RateLimit-Reset", String(state.reset));
}

function fromHttpException(err: HTTPException): GatewayError {
  // Hono raises these for malformed JSON bodies and similar framing faults.
  if (err.status === 400) return new GatewayError("invalid_request", "Request body is not valid JSON.");
  if (err.status === 413) return new GatewayError("payload_too_large", "Request body is too large.");
  return new GatewayError("invalid_request", "The request could not be processed.", { status: err.status });
}

function errorKind(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
