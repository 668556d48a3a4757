import type { ProjectSettings } from "../settings/schema";
import { usdToMicro } from "./budget";
import type { Period } from "./periods";
import type { SharedBudgetLimit } from "./gate-types";

/** One budget the project gate itself holds: a counter key, its unit, period and limit. */
export interface LocalBudget {
  key: string;
  unit: "tokens" | "micro_usd";
  period: Period;
  limit: number;
  /** Project-wide budgets raise tenant alerts; per-user ones would flood the webhook, so they do not. */
  alerts: boolean;
}

/**
 * The budgets a request of `userId` is checked against, in SPEC order: tokens (user, project), then dollars
 * (project, user). `effective` is the tier-merged settings (tiers may override `tokens_per_day`).
 */
export function localBudgets(effective: ProjectSettings, userId: string): LocalBudget[] {
  const lines: LocalBudget[] = [
    { key: `user:${userId}:tokens:day`, unit: "tokens", period: "day", limit: effective.tokens_per_day, alerts: false },
    { key: "project:tokens:day", unit: "tokens", period: "day", limit: effective.project_tokens_per_day, alerts: true },
  ];
  const usd = effective.budget_usd;
  for (const period of ["day", "month"] as const) {
    const limit = usd?.project?.[period];
    if (limit !== undefined)
      lines.push({ key: `project:usd:${period}`, unit: "micro_usd", period, limit: usdToMicro(limit), alerts: true });
  }
  for (const period of ["day", "month"] as const) {
    const limit = usd?.user?.[period];
    if (limit !== undefined)
      lines.push({
        key: `user:${userId}:usd:${period}`,
        unit: "micro_usd",
        period,
        limit: usdToMicro(limit),
        alerts: false,
      });
  }
  return lines;
}

export interface PoolRef {
  /** Durable Object name of the BudgetPool: `{tenantId}:{scope}:{scopeId}`. */
  name: string;
  budgets: SharedBudgetLimit[];
}

export function poolName(tenantId: string, scope: SharedBudgetLimit["scope"], scopeId: string): string {
  return `${tenantId}:${scope}:${scopeId}`;
}

/** Groups the shared budgets that apply to a project by pool (tenant first, then cost center). */
export function poolsFor(tenantId: string, budgets: readonly SharedBudgetLimit[]): PoolRef[] {
  const pools = new Map<string, PoolRef>();
  const ordered = [...budgets].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === "tenant" ? -1 : 1));
  for (const budget of ordered) {
    const name = poolName(tenantId, budget.scope, budget.scopeId);
    const pool = pools.get(name) ?? { name, budgets: [] };
    pool.budgets.push(budget);
    pools.set(name, pool);
  }
  return [...pools.values()];
}
