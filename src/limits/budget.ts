import { periodKey, type Period } from "./periods";

/**
 * Reserve-then-settle budget arithmetic (pure; the Durable Objects load, call this and store).
 *
 * Mechanism: every budget is a counter `{ period, spent, reserved }`. Admission reserves the worst case of a
 * request; it fits when `spent + reserved + amount ≤ limit`. Settlement removes the reservation and adds the
 * actual charge to `spent`. Because the check and the reservation happen in one turn of a single-threaded
 * Durable Object, N concurrent requests can never together reserve more than the limit.
 *
 * Trade-off: the worst case (prompt estimate + max_tokens) is usually far above the actual, so near the end
 * of a budget requests are refused that would have fitted; they fit again as soon as others settle.
 * The actual charge is recorded truthfully even when it exceeds the reservation (a low prompt estimate);
 * the next admission then sees the overrun and refuses.
 */
export interface Counter {
  period: string;
  spent: number;
  reserved: number;
}

/** A counter as it stands in the current period: a counter from an earlier period starts again at zero. */
export function currentCounter(stored: Counter | undefined, period: Period, nowMs: number): Counter {
  const key = periodKey(period, nowMs);
  if (!stored || stored.period !== key) return { period: key, spent: 0, reserved: 0 };
  return stored;
}

/**
 * Whether `amount` more fits under `limit`. A zero amount (a request we cannot price) still needs the
 * budget to be not yet exhausted, so an unpriced model cannot run past a spent budget.
 */
export function fits(counter: Counter, limit: number, amount: number): boolean {
  const used = counter.spent + counter.reserved;
  return amount > 0 ? used + amount <= limit : used < limit;
}

export function remaining(counter: Counter, limit: number): number {
  return Math.max(0, limit - counter.spent - counter.reserved);
}

export function reserve(counter: Counter, amount: number): Counter {
  return { ...counter, reserved: counter.reserved + amount };
}

/**
 * Settles a reservation made in `reservedPeriod`. If the counter rolled over since, the reservation
 * vanished with the old period, so only the charge lands (in the period the cost was incurred).
 */
export function settle(counter: Counter, reservedPeriod: string, reservedAmount: number, charged: number): Counter {
  const release = counter.period === reservedPeriod ? reservedAmount : 0;
  return { ...counter, reserved: Math.max(0, counter.reserved - release), spent: counter.spent + charged };
}

/** What bounds a request's completion: the client's per-choice cap, how many choices, hidden reasoning. */
export interface CompletionBound {
  /** The request's `max_tokens` / `max_completion_tokens` (per choice); the project's cap when absent. */
  maxTokens?: number | undefined;
  /** `n` (Gemini `candidateCount`): every choice is generated and billed. */
  choices?: number | undefined;
  /** Reasoning a model may generate beyond the cap it is sent (src/usage/reasoning.ts), per choice. */
  reasoningTokens?: number | undefined;
}

/**
 * SPEC: reserve prompt estimate + max_tokens, or the project's cap when the request names none — for each of
 * the `n` choices, plus any reasoning the cap does not bound:
 *
 *   completion = ((maxTokens ?? maxTokensCap) + reasoningTokens) × max(1, choices)
 */
export function worstCaseTokens(estimatedPromptTokens: number, bound: CompletionBound, maxTokensCap: number) {
  // A larger explicit max_tokens is reserved as asked: the provider may really generate that much.
  const perChoice = (bound.maxTokens ?? maxTokensCap) + Math.max(0, bound.reasoningTokens ?? 0);
  const choices = Math.max(1, Math.floor(bound.choices ?? 1));
  return {
    prompt: Math.max(0, Math.ceil(estimatedPromptTokens)),
    completion: Math.max(0, Math.ceil(perChoice)) * choices,
  };
}

export interface PricePerMillion {
  input: number;
  output: number;
}

/** The componentwise highest of some prices: an upper bound for whichever of those models answers. */
export function dearest(prices: readonly PricePerMillion[]): PricePerMillion {
  return prices.reduce((a, b) => ({ input: Math.max(a.input, b.input), output: Math.max(a.output, b.output) }), {
    input: 0,
    output: 0,
  });
}

/** Micro-USD of a token count at per-million prices (micro-USD), rounded up so a reservation never falls short. */
export function microUsdFor(prompt: number, completion: number, price: PricePerMillion | undefined): number {
  if (!price) return 0;
  return Math.ceil((prompt * price.input + completion * price.output) / 1_000_000);
}

/** Settings hold USD (human input); counters hold integer micro-USD. */
export function usdToMicro(usd: number): number {
  return Math.round(usd * 1_000_000);
}
