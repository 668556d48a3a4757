/**
 * The one error type of the gateway. Every refusal and fault is a GatewayError with a stable code;
 * HTTP status and OpenAI error `type` come from the table below, and `renderError` (used only by
 * `app.onError`) writes the OpenAI envelope. No route builds error JSON itself.
 */
export const ERROR_TABLE = {
  invalid_request: { status: 400, type: "invalid_request_error" },
  pii_detected: { status: 400, type: "invalid_request_error" },
  prompt_injection_detected: { status: 400, type: "invalid_request_error" },
  missing_credentials: { status: 401, type: "authentication_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  invalid_token: { status: 401, type: "authentication_error" },
  token_expired: { status: 401, type: "authentication_error" },
  forbidden: { status: 403, type: "permission_error" },
  wrong_project: { status: 403, type: "permission_error" },
  origin_not_allowed: { status: 403, type: "permission_error" },
  model_not_allowed: { status: 403, type: "permission_error" },
  byok_requires_pro: { status: 403, type: "permission_error" },
  plan_limit_reached: { status: 403, type: "permission_error" },
  project_suspended: { status: 403, type: "permission_error" },
  api_key_revoked: { status: 401, type: "authentication_error" },
  kill_switch_active: { status: 503, type: "service_unavailable" },
  not_found: { status: 404, type: "not_found_error" },
  project_not_found: { status: 404, type: "not_found_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  payload_too_large: { status: 413, type: "invalid_request_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  budget_exceeded: { status: 429, type: "rate_limit_error" },
  provider_not_configured: { status: 400, type: "invalid_request_error" },
  provider_key_invalid: { status: 400, type: "invalid_request_error" },
  provider_error: { status: 502, type: "api_error" },
  provider_timeout: { status: 504, type: "api_error" },
  provider_rate_limited: { status: 429, type: "rate_limit_error" },
  memory_unavailable: { status: 503, type: "service_unavailable" },
  misconfigured: { status: 500, type: "server_error" },
  internal_error: { status: 500, type: "server_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export interface GatewayErrorOptions {
  /** The request field at fault, echoed as OpenAI's `param`. */
  param?: string;
  /** Seconds until a retry can succeed; rendered as `Retry-After`. */
  retryAfter?: number;
  /** Overrides the table's status where the code spans more than one (e.g. 503 vs 403 kill switch). */
  status?: number;
  /** Extra response headers (rate-limit state at the time of refusal, etc). */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly retryAfter: number | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    this.status = options.status ?? ERROR_TABLE[code].status;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers ?? {};
  }
}

export interface ErrorEnvelope {
  error: { message: string; type: string; code: ErrorCode; param: string | null };
}

/** Renders any thrown value as the OpenAI envelope. Unknown faults never leak their message or stack. */
export function renderError(err: unknown): { status: number; body: ErrorEnvelope; headers: Record<string, string> } {
  const gatewayError =
    err instanceof GatewayError ? err : new GatewayError("internal_error", "The gateway hit an internal error.");
  const headers: Record<string, string> = { ...gatewayError.headers };
  if (gatewayError.retryAfter !== undefined)
    headers["Retry-After"] = String(Math.max(1, Math.ceil(gatewayError.retryAfter)));
  return {
    status: gatewayError.status,
    headers,
    body: {
      error: {
        message: gatewayError.message,
        type: ERROR_TABLE[gatewayError.code].type,
        code: gatewayError.code,
        param: gatewayError.param,
      },
    },
  };
}
