import { env, SELF } from "cloudflare:test";
import { projectUrl } from "../support/control-plane";

/** Helpers for attacker's-request tests: a holder of a valid JWT trying to drain or outlive the gate's limits. */
export const BUDGET = 3_000;

export function gate(projectId: string) {
  return env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId));
}

export function chat(slug: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return SELF.fetch(projectUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Tokens the gate still holds reserved for the project and user-1, once settlements (batched after responses) land. */
export async function settledReserved(projectId: string, userId = "user-1"): Promise<number> {
  let reserved = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 40 && reserved > 0; attempt++) {
    const { budgets } = await gate(projectId).budgetStatus(userId);
    reserved = budgets.reduce((sum, line) => sum + line.reserved, 0);
    if (reserved > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return reserved;
}

export async function ledgerRows(projectId: string) {
  await gate(projectId).flushLedger();
  const rows = await env.DB.prepare("SELECT * FROM usage_ledger WHERE project_id = ?")
    .bind(projectId)
    .all<{ status: string; guardrail_events: string; prompt_tokens: number; completion_tokens: number }>();
  return rows.results;
}
