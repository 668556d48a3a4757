import { GatewayError } from "../errors";
import type { AdmitDenial } from "./gate-types";

/**
 * The one place a gate denial becomes an HTTP error (STYLE 5: the DO returns values, middleware throws).
 * Budget refusals name the budget in the message so a FinOps reader can tell which cap was hit.
 */
export function denialToError(decision: AdmitDenial): GatewayError {
  const retryAfter = decision.retryAfter;
  switch (decision.reason) {
    case "kill_switch":
      return new GatewayError(
        "kill_switch_active",
        `The ${decision.scope ?? "global"} kill switch is on; requests are refused.`,
      );
    case "project_suspended":
      return new GatewayError("project_suspended", "This project is suspended.");
    case "key_revoked":
      return new GatewayError("api_key_revoked", "The API key this token was minted with has been revoked.");
    case "rpm":
      return new GatewayError("rate_limit_exceeded", "Project rate limit exceeded (requests per minute).", {
        retryAfter,
      });
    case "user_rpm":
      return new GatewayError("rate_limit_exceeded", "Per-user rate limit exceeded (requests per minute).", {
        retryAfter,
      });
    case "tokens":
      return new GatewayError("budget_exceeded", `Token budget exhausted (${decision.budget ?? "tokens"}).`, {
        retryAfter,
      });
    case "budget":
      return new GatewayError("budget_exceeded", `Dollar budget exhausted (${decision.budget ?? "usd"}).`, {
        retryAfter,
      });
    case "unknown_tier":
      return new GatewayError("invalid_token", "The token names a tier this project does not have.");
    case "not_configured":
      return new GatewayError("misconfigured", "The project's admission state is not configured.");
  }
}
