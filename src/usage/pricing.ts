import { z } from "zod";
import table from "./prices.json";

/**
 * Cost of one call in integer micro-USD, from the versioned price table in prices.json.
 *
 * Prices are USD per million tokens, which is exactly micro-USD per token. To stay exact they are
 * converted once to integer nano-USD per token (the table allows at most 3 decimals, i.e. $0.001 per
 * million tokens), the call is summed in nano-USD, and the total is rounded UP to whole micro-USD:
 *
 *   microUsd = ceil((promptTokens × inputNano + completionTokens × outputNano) / 1000)
 *
 * Rounding up means a call is never charged less than it cost; the error is under 1 micro-USD per call.
 * A model missing from the table is priced at the table's `fallback` (deliberately expensive) and
 * marked `source: "fallback"`, so an unpriced model can never slip past a dollar budget for free.
 */

const Price = z.object({
  input: z.number().nonnegative().refine(hasAtMostThreeDecimals, "at most 3 decimals"),
  output: z.number().nonnegative().refine(hasAtMostThreeDecimals, "at most 3 decimals"),
});

function hasAtMostThreeDecimals(value: number): boolean {
  return Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6;
}

export const PriceTable = z.object({
  version: z.string().min(1),
  fallback: Price,
  models: z.record(z.string(), Price),
});
export type PriceTable = z.infer<typeof PriceTable>;

/** Parsed once at module load: a malformed table fails every test instead of mispricing in production. */
export const PRICES: PriceTable = PriceTable.parse(table);

export interface CostInput {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export interface Cost {
  microUsd: number;
  priceVersion: string;
  source: "table" | "fallback";
}

const NANO_PER_MICRO = 1000;
const toNano = (pricePerMillion: number) => Math.round(pricePerMillion * NANO_PER_MICRO);

export function priceOf(provider: string, model: string, prices: PriceTable = PRICES) {
  const exact = prices.models[`${provider}/${model}`];
  return exact ? { price: exact, source: "table" as const } : { price: prices.fallback, source: "fallback" as const };
}

export function costMicroUsd(input: CostInput, prices: PriceTable = PRICES): Cost {
  for (const count of [input.promptTokens, input.completionTokens])
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError("token counts must be non-negative integers");
  const { price, source } = priceOf(input.provider, input.model, prices);
  const nano = input.promptTokens * toNano(price.input) + input.completionTokens * toNano(price.output);
  return { microUsd: Math.ceil(nano / NANO_PER_MICRO), priceVersion: prices.version, source };
}

/**
 * Price of `provider/model` per million tokens in integer micro-USD, the unit budget reservations use.
 * Unknown models get the table's (deliberately high) fallback, so they cannot slip past a dollar budget.
 */
export function microUsdPerMillion(modelRef: string, prices: PriceTable = PRICES): { input: number; output: number } {
  const slash = modelRef.indexOf("/");
  const { price } = priceOf(modelRef.slice(0, slash), modelRef.slice(slash + 1), prices);
  return { input: Math.round(price.input * 1_000_000), output: Math.round(price.output * 1_000_000) };
}
