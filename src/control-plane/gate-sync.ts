import { database } from "../db/client";
import { listProjects } from "../db/projects";
import { configureGate, reconfigureGates } from "../limits/gate-snapshot";
import type { GateSnapshot } from "../limits/gate-types";

/**
 * Control-plane writes land in D1 first, then the project's gate gets the whole new snapshot, awaited, so the
 * very next request sees the change (SPEC: no caching delay for settings, revocations, suspensions).
 * Returns the snapshot pushed (null for an unknown project).
 */
export async function syncProjectGate(
  env: Env,
  projectId: string,
  placement: { locationHint?: DurableObjectLocationHint } = {},
): Promise<GateSnapshot | null> {
  return configureGate(env, database(env), projectId, placement);
}

/**
 * Re-syncs every project gate of a tenant: its BYOK keys changed, and each gate holds the sealed keys that
 * may pay for it plus whether the tenant has any key at all (which every project's fallback rule reads).
 */
export async function syncTenantGates(env: Env, tenantId: string): Promise<void> {
  const db = database(env);
  const projects = await listProjects(db, tenantId);
  await reconfigureGates(
    env,
    db,
    projects.map((project) => project.id),
  );
}
