import type { OperatorConfig } from "./operator-default";

/**
 * Who pays for one call to `provider/model`, decided in one place, pure (the I/O around it — reading the
 * operator allowance, opening the sealed key — is in credentials.ts). The rule (docs/enterprise-providers.md):
 *   0. the mock provider needs no credential;
 *   1. the tenant's own key for the provider pays — `keys` come in paying order, the project's cost center's
 *      key before the tenant-wide one (db/provider-keys.ts `payingKeyFor` picked them when the gate snapshot
 *      was built);
 *   2. otherwise a tenant that has stored ANY provider key is a BYOK tenant and is refused: it never drifts
 *      silently onto the operator's invoice;
 *   3. otherwise, if the model is exactly OPERATOR_DEFAULT_MODEL, the operator's key pays while the tenant's
 *      daily allowance lasts;
 *   4. otherwise refused.
 * Vertex and Bedrock credentials (a service account, an AWS key pair) pay the same way as a bearer key; the
 * decision only says which transport opens them.
 */
export interface PayerFacts<K extends { provider: string }> {
  /** The model reference as requested, `provider/model`. */
  ref: string;
  provider: { id: string; mock: boolean; enterprise: boolean };
  /** The tenant's keys that may pay for this project, in paying order (the gate snapshot's credentials). */
  keys: readonly K[];
  /** Whether the tenant stored any provider key at all. */
  tenantHasByok: boolean;
  /** The operator's default model and key, or null when the operator configured none. */
  operator: OperatorConfig | null;
  /**
   * Operator tokens left today for this tenant. Reading it is a Durable Object call, so callers omit it until
   * the decision says the operator would pay (then decide again with it); omitted counts as not yet used up.
   */
  operatorTokensLeft?: number;
}

export type Transport = "bearer" | "enterprise";

export type PayerRefusal = "byok_tenant" | "not_operator_model" | "operator_allowance_used";

export type PayerDecision<K> =
  | { payer: "mock" }
  | { payer: "byok"; key: K; transport: Transport }
  | { payer: "operator"; config: OperatorConfig; transport: Transport }
  | { payer: "none"; refusal: PayerRefusal };

export function decidePayer<K extends { provider: string }>(facts: PayerFacts<K>): PayerDecision<K> {
  const { provider } = facts;
  if (provider.mock) return { payer: "mock" };
  const transport: Transport = provider.enterprise ? "enterprise" : "bearer";
  const key = facts.keys.find((candidate) => candidate.provider === provider.id);
  if (key) return { payer: "byok", key, transport };
  if (facts.tenantHasByok) return { payer: "none", refusal: "byok_tenant" };
  if (!facts.operator || facts.operator.OPERATOR_DEFAULT_MODEL !== facts.ref)
    return { payer: "none", refusal: "not_operator_model" };
  if (facts.operatorTokensLeft !== undefined && facts.operatorTokensLeft <= 0)
    return { payer: "none", refusal: "operator_allowance_used" };
  return { payer: "operator", config: facts.operator, transport };
}
