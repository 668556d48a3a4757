import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "../../schema";
import type { Database } from "./database";
import { isUniqueViolation } from "./unique-violation";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;

export async function insertApiKey(db: Database, row: NewApiKey): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function listApiKeys(db: Database, projectId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.projectId, projectId)).orderBy(apiKeys.createdAt).all();
}

export async function findApiKey(db: Database, projectId: string, keyId: string) {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId)))
    .get();
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
 * Atomic rotation: one transaction inserts the successor (with `rotated_from`, a unique column) and revokes
 * the old key. Two concurrent rotations of one key cannot both commit: the second insert violates the unique
 * index and its whole batch rolls back. Returns false when the old key was no longer live.
 */
export async function rotateApiKey(
  db: Database,
  oldKey: ApiKeyRow,
  successor: NewApiKey,
  now: number,
): Promise<boolean> {
  if (oldKey.revokedAt !== null) return false;
  try {
    await db.batch([
      db.insert(apiKeys).values({ ...successor, rotatedFrom: oldKey.id }),
      db
        .update(apiKeys)
        .set({ revokedAt: now, replacedBy: successor.id })
        .where(and(eq(apiKeys.id, oldKey.id), isNull(apiKeys.revokedAt))),
    ]);
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
