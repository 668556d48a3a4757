import { and, eq } from "drizzle-orm";
import { providerKeys } from "../../schema";
import type { Database } from "./database";

export type ProviderKeyRow = typeof providerKeys.$inferSelect;

/** Scope of a tenant-wide credential; a cost center's own credential uses `cc:{name}`. */
export const TENANT_SCOPE = "tenant";
export const costCenterScope = (costCenter: string) => `cc:${costCenter}`;

/** Insert or replace the credential of (tenant, provider, scope). */
export async function upsertProviderKey(db: Database, row: typeof providerKeys.$inferInsert): Promise<void> {
  await db
    .insert(providerKeys)
    .values(row)
    .onConflictDoUpdate({
      target: [providerKeys.tenantId, providerKeys.provider, providerKeys.scope],
      set: { ciphertext: row.ciphertext, fingerprint: row.fingerprint, baseUrl: row.baseUrl, updatedAt: row.updatedAt },
    });
}

export async function listProviderKeys(db: Database, tenantId: string): Promise<ProviderKeyRow[]> {
  return db.select().from(providerKeys).where(eq(providerKeys.tenantId, tenantId)).orderBy(providerKeys.provider).all();
}

export async function deleteProviderKey(db: Database, tenantId: string, provider: string, scope: string) {
  return db
    .delete(providerKeys)
    .where(and(eq(providerKeys.tenantId, tenantId), eq(providerKeys.provider, provider), eq(providerKeys.scope, scope)))
    .returning()
    .get();
}

/** Scopes whose keys may pay for a project, in paying order: the cost center's own, then the tenant-wide one. */
function payingScopes(costCenter: string | null): string[] {
  return costCenter ? [costCenterScope(costCenter), TENANT_SCOPE] : [TENANT_SCOPE];
}

/**
 * The key that pays for `provider` in a project of `costCenter`: the cost center's own, else the tenant-wide
 * one, never another cost center's. The one place this rule is written: gate snapshots carry the key it picks,
 * and `/v1/models` describes it.
 */
export function payingKeyFor<K extends { provider: string; scope: string }>(
  keys: readonly K[],
  provider: string,
  costCenter: string | null,
): K | undefined {
  for (const scope of payingScopes(costCenter)) {
    const key = keys.find((k) => k.provider === provider && k.scope === scope);
    if (key) return key;
  }
  return undefined;
}
