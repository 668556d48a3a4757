import { and, eq, isNull, sql } from "drizzle-orm";
import { adminCredentials } from "../../schema";
import type { Database } from "./database";

export type AdminCredentialRow = typeof adminCredentials.$inferSelect;
export type NewAdminCredential = typeof adminCredentials.$inferInsert;

export async function listAdminCredentials(db: Database, tenantId: string): Promise<AdminCredentialRow[]> {
  return db
    .select()
    .from(adminCredentials)
    .where(eq(adminCredentials.tenantId, tenantId))
    .orderBy(adminCredentials.createdAt)
    .all();
}

export async function findAdminCredential(db: Database, tenantId: string, credentialId: string) {
  return db
    .select()
    .from(adminCredentials)
    .where(and(eq(adminCredentials.id, credentialId), eq(adminCredentials.tenantId, tenantId)))
    .get();
}

/** The live credential with this lookup index: what authenticates a control-plane call, read on every call. */
export async function findActiveAdminCredential(db: Database, lookupIndex: string) {
  return db
    .select()
    .from(adminCredentials)
    .where(and(eq(adminCredentials.lookupIndex, lookupIndex), isNull(adminCredentials.revokedAt)))
    .get();
}

export async function insertAdminCredential(db: Database, row: NewAdminCredential): Promise<void> {
  await db.insert(adminCredentials).values(row);
}

export async function countLiveAdminCredentials(db: Database, tenantId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(adminCredentials)
    .where(and(eq(adminCredentials.tenantId, tenantId), isNull(adminCredentials.revokedAt)))
    .get();
  return row?.n ?? 0;
}

const live = (tenantId: string, credentialId: string) =>
  and(
    eq(adminCredentials.id, credentialId),
    eq(adminCredentials.tenantId, tenantId),
    isNull(adminCredentials.revokedAt),
  );

/**
 * Revokes one live credential. With `keepOne`, the statement itself refuses to revoke the tenant's last live
 * credential (the count is read inside the same UPDATE), so two concurrent revocations cannot both pass a
 * check made beforehand and lock the tenant out. Returns the revoked row, or undefined when nothing changed.
 */
export async function revokeAdminCredential(
  db: Database,
  tenantId: string,
  credentialId: string,
  now: number,
  options: { keepOne: boolean },
) {
  const othersLive = sql`(SELECT count(*) FROM admin_credentials WHERE tenant_id = ${tenantId} AND revoked_at IS NULL) > 1`;
  return db
    .update(adminCredentials)
    .set({ revokedAt: now })
    .where(options.keepOne ? and(live(tenantId, credentialId), othersLive) : live(tenantId, credentialId))
    .returning()
    .get();
}

/**
 * Rotation with exactly one successor: the successor is inserted, then the old credential is revoked by a
 * conditional UPDATE (only while it is still live). Of concurrent rotations exactly one UPDATE wins; each loser
 * deletes its own successor before answering, so its plaintext is never shown and never works. A crash between
 * the steps leaves at worst an extra live row whose plaintext nobody has (only its hash is stored).
 * Returns false when the old credential was no longer live.
 */
export async function rotateAdminCredential(
  db: Database,
  tenantId: string,
  oldId: string,
  successor: NewAdminCredential,
  now: number,
): Promise<boolean> {
  await insertAdminCredential(db, successor);
  const revoked = await db
    .update(adminCredentials)
    .set({ revokedAt: now })
    .where(live(tenantId, oldId))
    .returning({ id: adminCredentials.id })
    .get();
  if (revoked) return true;
  await db.delete(adminCredentials).where(eq(adminCredentials.id, successor.id));
  return false;
}
