/**
 * Addressing of the admission Durable Objects. Everyone reaches a project's gate through these so that the
 * naming (`idFromName(projectId)`) is decided once.
 */
export function projectGate(
  env: Pick<Env, "PROJECT_GATE">,
  projectId: string,
  placement: { locationHint?: DurableObjectLocationHint } = {},
) {
  // A location hint only matters on the call that creates the object (project creation); later it is a no-op.
  const id = env.PROJECT_GATE.idFromName(projectId);
  return placement.locationHint
    ? env.PROJECT_GATE.get(id, { locationHint: placement.locationHint })
    : env.PROJECT_GATE.get(id);
}

export function budgetPool(env: Pick<Env, "BUDGET_POOL">, name: string) {
  return env.BUDGET_POOL.get(env.BUDGET_POOL.idFromName(name));
}
