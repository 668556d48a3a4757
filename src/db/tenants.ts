import { eq } from "drizzle-orm";
import { adminCredentials, tenants } from "../../schema";
import type { Database } from "./database";

export type Tenant = typeof tenants.$inferSelect;
export type Plan = Tenant["plan"];

export async function insertTenant(
  db: Database,
  tenant: typeof tenants.$inferInsert,
  credential: typeof adminCredentials.$inferInsert,
) {
  await db.batch([db.insert(tenants).values(tenant), db.insert(adminCredentials).values(credential)]);
}

export async function findTenant(db: Database, tenantId: string): Promise<Tenant | undefined> {
  return db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
}

export async function listTenants(db: Database): Promise<Tenant[]> {
  return db.select().from(tenants).orderBy(tenants.createdAt).all();
}

export async function updateTenantPlan(db: Database, tenantId: string, plan: Plan): Promise<Tenant | undefined> {
  return db.update(tenants).set({ plan }).where(eq(tenants.id, tenantId)).returning().get();
}
