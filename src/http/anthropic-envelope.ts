import { ERROR_TABLE, type ErrorEnvelope } from "../errors";

/**
 * Errors on the Anthropic Messages routes. Anthropic clients read `{type: "error", error: {type, message}}` and
 * OpenAI-style tooling reads `error.code` and `error.param`, so these routes answer a superset of both: Anthropic's
 * `error.type` (its SDKs pick the exception class from the HTTP status, which stays the code table's) beside our
 * stable `code` and `param`, and the request id where Anthropic puts it.
 */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

type OpenAiErrorType = (typeof ERROR_TABLE)[keyof typeof ERROR_TABLE]["type"];

/** Our 5xx kinds are all `api_error`: `overloaded_error` means Anthropic's 529, which the gateway never answers. */
const ANTHROPIC_TYPES: Record<OpenAiErrorType, AnthropicErrorType> = {
  invalid_request_error: "invalid_request_error",
  authentication_error: "authentication_error",
  permission_error: "permission_error",
  not_found_error: "not_found_error",
  rate_limit_error: "rate_limit_error",
  api_error: "api_error",
  service_unavailable: "api_error",
  server_error: "api_error",
};

/** The paths whose clients speak Anthropic's dialect. */
export const speaksAnthropic = (path: string) => path === "/v1/messages" || path.startsWith("/v1/messages/");

/** Anthropic's error type for one of our codes; a code from outside the table (a stream's) is an `api_error`. */
export function anthropicErrorType(code: string): AnthropicErrorType {
  if (code === "payload_too_large") return "request_too_large";
  const entry = Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code as keyof typeof ERROR_TABLE] : undefined;
  return entry ? ANTHROPIC_TYPES[entry.type] : "api_error";
}

/** The OpenAI envelope `renderError` wrote, as the superset envelope (pure). */
export function anthropicEnvelope(body: ErrorEnvelope, requestId: string | undefined) {
  const { message, code, param } = body.error;
  return {
    type: "error" as const,
    error: { type: anthropicErrorType(code), message, code, param },
    ...(requestId ? { request_id: requestId } : {}),
  };
}
