import { describe, expect, it } from "vitest";
import { denialToError } from "../../src/limits/admission-denial";
import { budgetHeaders, microToUsd } from "../../src/limits/budget-headers";
import type { AdmitDenial } from "../../src/limits/gate-types";

describe("denialToError", () => {
  it.each([
    [{ ok: false, reason: "kill_switch", scope: "tenant" }, 503, "kill_switch_active", undefined],
    [{ ok: false, reason: "project_suspended" }, 403, "project_suspended", undefined],
    [{ ok: false, reason: "key_revoked" }, 401, "api_key_revoked", undefined],
    [{ ok: false, reason: "rpm", retryAfter: 12 }, 429, "rate_limit_exceeded", 12],
    [{ ok: false, reason: "user_rpm", retryAfter: 3 }, 429, "rate_limit_exceeded", 3],
    [{ ok: false, reason: "tokens", budget: "user:u:tokens:day", retryAfter: 600 }, 429, "budget_exceeded", 600],
    [{ ok: false, reason: "budget", budget: "project:usd:month", retryAfter: 60 }, 429, "budget_exceeded", 60],
  ] as [AdmitDenial, number, string, number | undefined][])("%j → %i %s", (denial, status, code, retryAfter) => {
    const err = denialToError(denial);
    expect(err.status).toBe(status);
    expect(err.code).toBe(code);
    expect(err.retryAfter).toBe(retryAfter);
  });

  it("names the budget that refused", () => {
    expect(denialToError({ ok: false, reason: "budget", budget: "cost_center:eng:usd:day" }).message).toContain(
      "cost_center:eng:usd:day",
    );
  });
});

describe("budget headers", () => {
  it.each([
    [0, "0.000000"],
    [1, "0.000001"],
    [12_345_678, "12.345678"],
  ])("%i micro-USD → %s", (micro, usd) => {
    expect(microToUsd(micro)).toBe(usd);
  });

  it("carries cost only once settled", () => {
    expect(budgetHeaders({ remaining: { tokens: 90, microUsd: null } })).toEqual({
      "X-Tollgate-Budget-Remaining-Tokens": "90",
    });
    expect(budgetHeaders({ remaining: { tokens: 90, microUsd: 2_000_000 }, chargedMicroUsd: 1_500 })).toEqual({
      "X-Tollgate-Budget-Remaining-Tokens": "90",
      "X-Tollgate-Budget-Remaining-Usd": "2.000000",
      "X-Tollgate-Cost-Usd": "0.001500",
    });
  });
});
