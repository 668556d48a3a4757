import { and, eq, sql } from "drizzle-orm";
import { projects, tiers } from "../../schema";
import { completeSettings, type ProjectSettings } from "../settings/schema";
import type { Database } from "./database";

export type ProjectRow = typeof projects.$inferSelect;
export type TierRow = typeof tiers.$inferSelect;

/** The cap on active projects of the free plan (SPEC: at most 3); other plans have none. */
export const FREE_PROJECT_CAP = 3;

/**
 * Inserts the project only if the tenant's plan allows one more active project. One statement, so two
 * concurrent creations cannot both pass the count. Returns undefined when the cap refused it; throws on a
 * slug collision (unique index), which the caller retries with a new slug.
 */
export async function insertProjectWithinPlan(
  db: Database,
  row: typeof projects.$inferInsert,
): Promise<ProjectRow | undefined> {
  const cap = FREE_PROJECT_CAP;
  const inserted = await db.all<{ id: string }>(sql`
    INSERT INTO projects (id, tenant_id, name, slug, cost_center, status, dns_status, settings, created_at, updated_at)
    SELECT ${row.id}, ${row.tenantId}, ${row.name}, ${row.slug}, ${row.costCenter ?? null}, ${row.status},
           ${row.dnsStatus}, ${row.settings}, ${row.createdAt}, ${row.updatedAt}
    WHERE (SELECT plan FROM tenants WHERE id = ${row.tenantId}) <> 'free'
       OR (SELECT count(*) FROM projects WHERE tenant_id = ${row.tenantId} AND status = 'active') < ${cap}
    RETURNING id`);
  return inserted.length === 0 ? undefined : findProject(db, row.id);
}

/** Resumes a suspended project under the same plan cap as creation. */
export async function resumeProjectWithinPlan(db: Database, projectId: string, now: number): Promise<boolean> {
  const cap = FREE_PROJECT_CAP;
  const updated = await db.all<{ id: string }>(sql`
    UPDATE projects SET status = 'active', updated_at = ${now}
    WHERE id = ${projectId} AND status = 'suspended'
      AND ((SELECT plan FROM tenants WHERE id = projects.tenant_id) <> 'free'
        OR (SELECT count(*) FROM projects p WHERE p.tenant_id = projects.tenant_id AND p.status = 'active') < ${cap})
    RETURNING id`);
  return updated.length > 0;
}

export async function findProject(db: Database, projectId: string): Promise<ProjectRow | undefined> {
  return db.select().from(projects).where(eq(projects.id, projectId)).get();
}

/** A tenant admin only ever sees its own projects: another tenant's id reads as absent. */
export async function findTenantProject(db: Database, tenantId: string | undefined, projectId: string) {
  const project = await findProject(db, projectId);
  return project && (tenantId === undefined || project.tenantId === tenantId) ? project : undefined;
}

export async function findProjectBySlug(db: Database, slug: string): Promise<ProjectRow | undefined> {
  return db.select().from(projects).where(eq(projects.slug, slug)).get();
}

export async function listProjects(db: Database, tenantId?: string): Promise<ProjectRow[]> {
  const query = db.select().from(projects);
  return (tenantId ? query.where(eq(projects.tenantId, tenantId)) : query).orderBy(projects.createdAt).all();
}

export async function updateProject(db: Database, projectId: string, changes: Partial<typeof projects.$inferInsert>) {
  return db.update(projects).set(changes).where(eq(projects.id, projectId)).returning().get();
}

export async function listTiers(db: Database, projectId: string): Promise<TierRow[]> {
  return db.select().from(tiers).where(eq(tiers.projectId, projectId)).orderBy(tiers.createdAt).all();
}

export const MAX_TIERS_PER_PROJECT = 3;

/** Inserts a tier unless the project already has three (one statement, safe under concurrency). */
export async function insertTierWithinCap(db: Database, row: typeof tiers.$inferInsert): Promise<boolean> {
  const inserted = await db.all<{ id: string }>(sql`
    INSERT INTO tiers (id, project_id, name, overrides, created_at)
    SELECT ${row.id}, ${row.projectId}, ${row.name}, ${row.overrides}, ${row.createdAt}
    WHERE (SELECT count(*) FROM tiers WHERE project_id = ${row.projectId}) < ${MAX_TIERS_PER_PROJECT}
    RETURNING id`);
  return inserted.length > 0;
}

export async function updateTier(db: Database, projectId: string, name: string, overrides: string) {
  return db
    .update(tiers)
    .set({ overrides })
    .where(and(eq(tiers.projectId, projectId), eq(tiers.name, name)))
    .returning()
    .get();
}

export async function deleteTier(db: Database, projectId: string, name: string) {
  return db
    .delete(tiers)
    .where(and(eq(tiers.projectId, projectId), eq(tiers.name, name)))
    .returning()
    .get();
}

/** A project's stored settings completed with today's defaults. */
export function projectSettings(row: Pick<ProjectRow, "settings"> | undefined): ProjectSettings {
  return completeSettings(row ? (JSON.parse(row.settings) as Partial<ProjectSettings>) : {});
}
