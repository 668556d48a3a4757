import { database } from "../db/client";
import { projectGate } from "../limits/gate-client";
import { loadGateSnapshot } from "../limits/gate-snapshot";


/**
 * Control-plane writes land in D1 first, then the project's gate gets the whole new snapshot, awaited, so the
 * very next request sees the change (SPEC: no caching delay for settings, revocations, suspensions).
 */
export async function syncProjectGate(env: Env, projectId: string): Promise<void> {
  const snapshot = await loadGateSnapshot(database(env), projectId);
  if (snapshot) await projectGate(env, projectId).configure(snapshot);
}
