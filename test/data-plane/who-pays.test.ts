import { describe, expect, it } from "vitest";
import type { OperatorConfig } from "../../src/data-plane/operator-default";
import { decidePayer, type PayerFacts } from "../../src/data-plane/who-pays";

const OPERATOR: OperatorConfig = {
  OPERATOR_DEFAULT_MODEL: "openai/gpt-4o-mini",
  OPERATOR_PROVIDER_KEY: "sk-operator-0123456789abcdef",
  OPERATOR_TOKENS_PER_TENANT_DAY: 1_000,
};
const OPENAI = { id: "openai", mock: false, enterprise: false };
const VERTEX = { id: "vertex", mock: false, enterprise: true };
const MOCK = { id: "mock", mock: true, enterprise: false };

// Keys in paying order, as the gate snapshot carries them: the cost center's before the tenant-wide one.
const costCenterKey = { provider: "openai", scope: "cc:eng" };
const tenantKey = { provider: "openai", scope: "tenant" };
const anthropicKey = { provider: "anthropic", scope: "tenant" };
const vertexKey = { provider: "vertex", scope: "tenant" };

type Key = { provider: string; scope: string };
const base: PayerFacts<Key> = {
  ref: "openai/gpt-4o-mini",
  provider: OPENAI,
  keys: [],
  tenantHasByok: false,
  operator: OPERATOR,
};

describe("decidePayer (who pays)", () => {
  it.each<[string, Partial<PayerFacts<Key>>, ReturnType<typeof decidePayer<Key>>]>([
    [
      "the cost center's key before the tenant's",
      { keys: [costCenterKey, tenantKey], tenantHasByok: true },
      { payer: "byok", key: costCenterKey, transport: "bearer" },
    ],
    [
      "no cost-center key: the tenant's",
      { keys: [tenantKey], tenantHasByok: true },
      { payer: "byok", key: tenantKey, transport: "bearer" },
    ],
    [
      "an own key pays even for the operator's model with allowance left",
      { keys: [tenantKey], tenantHasByok: true, operatorTokensLeft: 500 },
      { payer: "byok", key: tenantKey, transport: "bearer" },
    ],
    [
      "an enterprise credential pays through its own transport",
      { ref: "vertex/gemini-2.5-flash", provider: VERTEX, keys: [vertexKey], tenantHasByok: true },
      { payer: "byok", key: vertexKey, transport: "enterprise" },
    ],
    [
      "a BYOK tenant without a key for this provider is refused, never the operator",
      { keys: [anthropicKey], tenantHasByok: true },
      { payer: "none", refusal: "byok_tenant" },
    ],
    [
      "no BYOK at all, the operator's model, allowance not read yet",
      {},
      { payer: "operator", config: OPERATOR, transport: "bearer" },
    ],
    [
      "no BYOK at all, the operator's model, allowance left",
      { operatorTokensLeft: 1 },
      { payer: "operator", config: OPERATOR, transport: "bearer" },
    ],
    [
      "no BYOK at all, the operator's allowance used up",
      { operatorTokensLeft: 0 },
      { payer: "none", refusal: "operator_allowance_used" },
    ],
    [
      "no BYOK at all, another model of the same provider",
      { ref: "openai/gpt-4o" },
      { payer: "none", refusal: "not_operator_model" },
    ],
    ["no operator configured", { operator: null }, { payer: "none", refusal: "not_operator_model" }],
    [
      "the mock needs no credential, whatever else holds",
      { ref: "mock/echo", provider: MOCK, tenantHasByok: true },
      { payer: "mock" },
    ],
  ])("%s", (_name, facts, expected) => {
    expect(decidePayer({ ...base, ...facts })).toEqual(expected);
  });
});
