import { describe, expect, it } from "vitest";
import { ERROR_TABLE, type ErrorCode, renderError, GatewayError } from "../../src/errors";
import { anthropicEnvelope, anthropicErrorType, speaksAnthropic } from "../../src/http/anthropic-envelope";

describe("the Anthropic error envelope", () => {
  it.each([
    ["invalid_request", "invalid_request_error"],
    ["prompt_injection_detected", "invalid_request_error"],
    ["missing_credentials", "authentication_error"],
    ["token_expired", "authentication_error"],
    ["wrong_project", "permission_error"],
    ["origin_not_allowed", "permission_error"],
    ["not_found", "not_found_error"],
    ["payload_too_large", "request_too_large"],
    ["budget_exceeded", "rate_limit_error"],
    ["provider_error", "api_error"],
    ["kill_switch_active", "api_error"],
    ["internal_error", "api_error"],
    ["a_code_from_nowhere", "api_error"],
    ["constructor", "api_error"],
  ])("types %s as %s", (code, type) => {
    expect(anthropicErrorType(code)).toBe(type);
  });

  it("gives every stable code an Anthropic type", () => {
    for (const code of Object.keys(ERROR_TABLE) as ErrorCode[])
      expect(anthropicErrorType(code), code).toMatch(/_error$|^request_too_large$/);
  });

  it("keeps the stable code, param and message beside Anthropic's type, and the request id", () => {
    const { body } = renderError(new GatewayError("invalid_request", "Bad top_k.", { param: "top_k" }));
    expect(anthropicEnvelope(body, "req_1")).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "Bad top_k.", code: "invalid_request", param: "top_k" },
      request_id: "req_1",
    });
  });

  it.each([
    ["/v1/messages", true],
    ["/v1/messages/count_tokens", true],
    ["/v1/messagesx", false],
    ["/v1/chat/completions", false],
  ])("route %s speaks Anthropic: %s", (path, expected) => {
    expect(speaksAnthropic(path)).toBe(expected);
  });
});
