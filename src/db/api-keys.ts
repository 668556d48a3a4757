import { and, eq, isNull, sql } from "drizzle-orm";
import { apiKeys } from "../../schema";
import type { Database } from "./client";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;

export async function insertApiKey(db: Database, row: NewApiKey): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function listApiKeys(db: Database, projectId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.projectId, projectId)).orderBy(apiKeys.createdAt).all();
}

export async function findApiKey(db: Database, projectId: string, keyId: string) {
  return db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId))).get();
}

export async function findApiKeyByLookup(db: Database, lookupIndex: string) {
  return db.select().from(apiKeys).where(eq(apiKeys.lookupIndex, lookupIndex)).get();
}

export async function revokeApiKey(db: Database, projectId: string, keyId: string, now: number) {
  return db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt)))
    .returning()
    .get();
}

/** Revokes every live key of a project (suspension). Returns the ids revoked. */
export async function revokeProjectKeys(db: Database, projectId: string, now: number): Promise<string[]> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id })
    .all();
  return rows.map((row) => row.id);
}

/**
 * Atomic rotation: in one transaction, issue the new key only if the old one is still live, then revoke the
 * old one. Two concurrent rotations of one key leave exactly one successor. Returns false when the old key
 * was already revoked (nothing changed).
 */
export async function rotateApiKey(db: Database, oldKeyId: string, successor: NewApiKey, now: number): Promise<boolean> {
  const [inserted] = await db.batch([
    db.all<{ id: string }>(sql`
      INSERT INTO api_keys (id, tenant_id, project_id, name, role, lookup_index, hash, prefix, created_at)
      SELECT ${successor.id}, ${successor.tenantId}, ${successor.projectId}, ${successor.name ?? null}, ${successor.role},
             ${successor.lookupIndex}, ${successor.hash}, ${successor.prefix}, ${successor.createdAt}
      WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = ${oldKeyId} AND revoked_at IS NULL)
      RETURNING id`),
    db
      .update(apiKeys)
      .set({ revokedAt: now, replacedBy: successor.id })
      .where(and(eq(apiKeys.id, oldKeyId), isNull(apiKeys.revokedAt))),
  ]);
  return (inserted as unknown[]).length > 0;
}
