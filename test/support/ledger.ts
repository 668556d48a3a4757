import { env } from "cloudflare:test";

/** The usage_ledger columns the cache tests read. */
export interface LedgerRow {
  request_id: string;
  user_id: string;
  status: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micro_usd: number;
  cached: number;
  saved_tokens: number;
  saved_micro_usd: number;
}

/** The project's ledger rows once `count` have been flushed to D1 (settlement runs after the response), oldest first. */
export async function ledger(projectId: string, count: number): Promise<LedgerRow[]> {
  const gate = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName(projectId));
  let rows: LedgerRow[] = [];
  for (let attempt = 0; attempt < 80 && rows.length < count; attempt++) {
    await gate.flushLedger();
    rows = (
      await env.DB.prepare("SELECT * FROM usage_ledger WHERE project_id = ? ORDER BY created_at, request_id")
        .bind(projectId)
        .all<LedgerRow>()
    ).results;
    if (rows.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return rows;
}
