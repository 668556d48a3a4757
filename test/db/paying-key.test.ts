import { describe, expect, it } from "vitest";
import { costCenterScope, payingKeyFor, TENANT_SCOPE } from "../../src/db/provider-keys";

const key = (provider: string, scope: string) => ({ provider, scope, id: `${provider}@${scope}` });
const keys = [
  key("openai", TENANT_SCOPE),
  key("openai", costCenterScope("marketing")),
  key("openai", costCenterScope("research")),
  key("anthropic", costCenterScope("research")),
  key("cohere", TENANT_SCOPE),
];

describe("payingKeyFor: which stored key pays for a project's call", () => {
  it.each([
    ["the cost center's own key before the tenant's", "openai", "marketing", "openai@cc:marketing"],
    ["the tenant's key when the cost center has none", "cohere", "marketing", "cohere@tenant"],
    ["the tenant's key for a project without a cost center", "openai", null, "openai@tenant"],
    ["never another cost center's key", "anthropic", "marketing", undefined],
    ["never a cost center's key for a project without one", "anthropic", null, undefined],
    ["nothing for a provider without keys", "gemini", "research", undefined],
  ] as const)("%s", (_name, provider, costCenter, expected) => {
    expect(payingKeyFor(keys, provider, costCenter)?.id).toBe(expected);
  });

  it("does not depend on the order the keys are listed in", () => {
    expect(payingKeyFor([...keys].reverse(), "openai", "research")?.id).toBe("openai@cc:research");
  });
});
