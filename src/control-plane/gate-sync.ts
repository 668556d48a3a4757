import { database } from "../db/client";
import { loadGateSnapshot } from "../limits/gate-snapshot";

/** The project's admission Durable Object (one per project, named by project id). */
export function projectGate(env: Env, projectId: string) {
  return env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId));
}

/**
 * Control-plane writes land in D1 first, then the project's gate gets the whole new snapshot, awaited, so the
 * very next request sees the change (SPEC: no caching delay for settings, revocations, suspensions).
 */
export async function syncProjectGate(env: Env, projectId: string): Promise<void> {
  const snapshot = await loadGateSnapshot(database(env), projectId);
  if (snapshot) await projectGate(env, projectId).configure(snapshot);
}
