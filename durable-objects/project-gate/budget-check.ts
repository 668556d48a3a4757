import { chooseModel } from "../../src/data-plane/model-policy";
import { currentCounter, dearest, fits, microUsdFor, reserve, worstCaseTokens } from "../../src/limits/budget";
import { localBudgets } from "../../src/limits/budget-lines";
import type { AdmitDenial, BudgetInput } from "../../src/limits/gate-types";
import { secondsUntilRollover } from "../../src/limits/periods";
import type { ProjectSettings } from "../../src/settings/schema";
import { microUsdPerMillion } from "../../src/usage/pricing";
import { reasoningBeyondCap } from "../../src/usage/reasoning";
import { systemPromptTokens } from "../../src/usage/token-count";
import type { GateContext } from "./context";
import type { ReservedLine } from "./reservation";

export interface WorstCase {
  tokens: number;
  /** Of `tokens`, the completion part. */
  completionTokens: number;
  microUsd: number;
  lines: ReservedLine[];
}

/**
 * The request's worst case checked against every local budget (nothing changes): the lines to reserve, or
 * the denial of the first budget it does not fit. Admission and the deferred reservation after a cache miss
 * both decide here, so a request is refused by the same arithmetic whichever path it took.
 */
export function checkLocalBudgets(
  gate: GateContext,
  settings: ProjectSettings,
  userId: string,
  input: BudgetInput,
  now: number,
  /** The estimate already counts the injected system prompt (a reservation made after the context step). */
  contextIncluded = false,
): { ok: true; worst: WorstCase } | AdmitDenial {
  // The estimate covers what the provider will bill: the client's messages, the system prompt injected after
  // admission, every one of the `n` choices and reasoning the cap does not bound (docs/limits.md).
  // A fallback model may answer instead, so the dearest and most reasoning of them all is what is reserved.
  const modelRef = chooseModel(input.model ?? undefined, settings);
  const fallbacks = input.embedding ? [] : settings.fallback_models;
  const candidates = [modelRef, ...fallbacks];
  const worst = input.embedding
    ? { prompt: Math.max(0, Math.ceil(input.estimatedPromptTokens)), completion: 0 }
    : worstCaseTokens(
        input.estimatedPromptTokens + (contextIncluded ? 0 : systemPromptTokens(settings.system_prompt)),
        {
          maxTokens: input.maxTokens,
          choices: input.choices,
          reasoningTokens: Math.max(...candidates.map(reasoningBeyondCap)),
        },
        settings.max_tokens_cap,
      );
  const tokens = worst.prompt + worst.completion;
  // A request without an explicit model runs on the project's (tier-merged) model: price that one.
  const price = dearest([
    input.priceMicroUsdPerMillion ?? microUsdPerMillion(modelRef),
    ...fallbacks.map((ref) => microUsdPerMillion(ref)),
  ]);
  const microUsd = microUsdFor(worst.prompt, worst.completion, price);
  const lines: ReservedLine[] = [];
  for (const line of localBudgets(settings, userId)) {
    const counter = currentCounter(gate.state.counter(line.key), line.period, now);
    const amount = line.unit === "tokens" ? tokens : microUsd;
    if (!fits(counter, line.limit, amount)) {
      const reason = line.unit === "tokens" ? "tokens" : "budget";
      return { ok: false, reason, budget: line.key, retryAfter: secondsUntilRollover(line.period, now) };
    }
    lines.push({ ...line, periodKey: counter.period, amount });
  }
  return { ok: true, worst: { tokens, completionTokens: worst.completion, microUsd, lines } };
}

/** Reserves checked lines in memory (same turn as the check, so no other admit interleaves). */
export function reserveLines(gate: GateContext, lines: readonly ReservedLine[], now: number): void {
  for (const line of lines) {
    const counter = currentCounter(gate.state.counter(line.key), line.period, now);
    gate.state.setCounter(line.key, reserve(counter, line.amount));
  }
}

/** The budget lines of a request admitted without a reservation: the same lines, nothing held on them. */
export function unreservedLines(gate: GateContext, settings: ProjectSettings, userId: string, now: number) {
  return localBudgets(settings, userId).map((line) => ({
    ...line,
    periodKey: currentCounter(gate.state.counter(line.key), line.period, now).period,
    amount: 0,
  }));
}
