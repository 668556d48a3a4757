/**
 * Addressing of the admission Durable Objects. Everyone reaches a project's gate through these so that the
 * naming (`idFromName(projectId)`) is decided once.
 */
export function projectGate(env: Pick<Env, "PROJECT_GATE">, projectId: string) {
  return env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId));
}

export function budgetPool(env: Pick<Env, "BUDGET_POOL">, name: string) {
  return env.BUDGET_POOL.get(env.BUDGET_POOL.idFromName(name));
}
