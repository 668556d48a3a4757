import { z } from "zod";
import { GatewayError } from "../errors";
import { budgetPool } from "../limits/gate-client";
import type { SharedBudgetLimit } from "../limits/gate-types";
import { newStreamState, type ProviderAdapter } from "../providers/adapter";
import { upstreamChunks } from "../streaming";
import { estimateTokens } from "../usage/token-count";

/**
 * The operator-managed default model: one provider credential and one model, set as Worker secrets, that
 * serves tenants who store no BYOK keys at all (the free plan's path). The operator pays for it, so each
 * tenant gets a daily token allowance on it, counted in a BudgetPool Durable Object of its own
 * (`{tenantId}:operator:tokens`, units = tokens) through the pool's public reserve/settle RPC.
 *
 * When it pays is decided with every other payer in who-pays.ts (`decidePayer`).
 */

/** Tokens per tenant per UTC day on the operator's key when OPERATOR_TOKENS_PER_TENANT_DAY is unset. */
export const DEFAULT_OPERATOR_TOKENS_PER_TENANT_DAY = 200_000;
/** Reserved for the reply when the upstream body names no completion cap (the handler normally sets one). */
const UNCAPPED_COMPLETION_RESERVE = 4_096;

const OperatorEnv = z.object({
  OPERATOR_DEFAULT_MODEL: z.string().regex(/^[a-z0-9-]+\/.+$/, "must be provider/model"),
  OPERATOR_PROVIDER_KEY: z.string().min(8),
  OPERATOR_PROVIDER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPERATOR_TOKENS_PER_TENANT_DAY: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .default(DEFAULT_OPERATOR_TOKENS_PER_TENANT_DAY),
});
export type OperatorConfig = z.infer<typeof OperatorEnv>;

/** Null when the operator configured no default; `misconfigured` when it is half set or malformed. */
export function operatorConfig(env: Partial<Record<keyof OperatorConfig, unknown>>): OperatorConfig | null {
  if (env.OPERATOR_DEFAULT_MODEL === undefined && env.OPERATOR_PROVIDER_KEY === undefined) return null;
  const parsed = OperatorEnv.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))];
    throw new GatewayError(
      "misconfigured",
      `Gateway misconfigured: ${names.join(", ")} (operator default model) is missing or malformed.`,
    );
  }
  return parsed.data;
}

export const operatorPoolName = (tenantId: string) => `${tenantId}:operator:tokens`;

function allowance(tenantId: string, limit: number): SharedBudgetLimit[] {
  // The pool counts plain integers; here they are tokens, not micro-dollars.
  return [{ id: "operator-tokens", scope: "tenant", scopeId: tenantId, period: "day", limitMicroUsd: limit }];
}

/**
 * Tokens to reserve for one upstream body, pure: the whole body's estimate (JSON syntax makes it err
 * high, the safe side) plus its completion cap under whichever name the provider uses, once per choice.
 */
/** The most choices a chat request may ask for (ChatRequest's `n`). */
const MAX_CHOICES = 128;

export function reservationTokens(body: string): number {
  let cap = UNCAPPED_COMPLETION_RESERVE;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const nested = (key: string, field: string) => (json[key] as Record<string, unknown> | undefined)?.[field];
    const found = [
      json.max_tokens,
      json.max_completion_tokens,
      nested("generationConfig", "maxOutputTokens"),
      nested("inferenceConfig", "maxTokens"),
    ].find((value): value is number => typeof value === "number" && value > 0);
    if (found !== undefined) cap = found;
    // Every choice is generated and billed: OpenAI's `n`, Gemini's `candidateCount`.
    const choices = [json.n, nested("generationConfig", "candidateCount")].find(
      (value): value is number => typeof value === "number" && value > 1,
    );
    if (choices !== undefined) cap *= Math.min(choices, MAX_CHOICES);
  } catch {
    // not JSON: the text estimate and the default cap still bound it
  }
  return estimateTokens(body) + cap;
}

/** Remaining operator tokens for a tenant today; the pre-flight check that gives a clear error. */
export async function operatorTokensLeft(
  env: Pick<Env, "BUDGET_POOL">,
  tenantId: string,
  limit: number,
): Promise<number> {
  const [line] = await budgetPool(env, operatorPoolName(tenantId)).status(allowance(tenantId, limit));
  return line?.remaining ?? limit;
}

/**
 * Wraps the operator credential's fetch with the per-tenant allowance: reserve before the call (a 429
 * when it does not fit, so nothing is sent), settle after with the provider's usage. A stream is metered
 * by reading a copy of its bytes through the same upstream parser the client's copy goes through, so an
 * aborted stream is charged for what it generated. If the settle never lands (the isolate is evicted),
 * the pool charges the full reservation after its abandon timeout: the operator's bill stays bounded.
 */
export function meteredFetch(options: {
  env: Pick<Env, "BUDGET_POOL">;
  tenantId: string;
  limit: number;
  adapter: ProviderAdapter;
  providerLabel: string;
  inner: typeof fetch;
}): typeof fetch {
  const pool = () => budgetPool(options.env, operatorPoolName(options.tenantId));
  const budgets = allowance(options.tenantId, options.limit);
  return async (input, init) => {
    const requestId = crypto.randomUUID();
    const reserved = reservationTokens(typeof init?.body === "string" ? init.body : "");
    const decision = await pool().reserve({ requestId, microUsd: reserved, budgets });
    if (!decision.ok) {
      const message = `The operator's daily token allowance for this tenant is used up (${options.limit} tokens/day); store your own provider key to continue.`;
      return Response.json(
        { error: { message } },
        { status: 429, headers: { "retry-after": String(decision.retryAfter) } },
      );
    }
    const settle = (tokens: number) =>
      pool()
        .settle({ requestId, chargedMicroUsd: Math.min(tokens, Number.MAX_SAFE_INTEGER), budgets })
        .catch(() => undefined);
    let response: Response;
    try {
      response = await options.inner(input, init);
    } catch (err) {
      await settle(0);
      throw err;
    }
    if (!response.ok || !response.body) {
      await settle(0);
      return response;
    }
    if (!response.headers.get("content-type")?.includes("event-stream")) {
      const usage = options.adapter.usage(
        await response
          .clone()
          .json()
          .catch(() => null),
      );
      await settle(usage ? usage.promptTokens + usage.completionTokens : reserved);
      return response;
    }
    const { client, meter } = splitBody(response.body);
    const { stream, outcome } = upstreamChunks({
      body: meter,
      adapter: options.adapter,
      state: newStreamState({ id: "operator-meter", created: 0, model: "" }),
      providerLabel: options.providerLabel,
      promptTokensEstimate: reserved,
      includeUsage: false,
    });
    void drain(stream)
      .then(() => outcome)
      .then((ended) => settle(ended.usage.promptTokens + ended.usage.completionTokens));
    return new Response(client, { status: response.status, headers: response.headers });
  };
}

/**
 * Two readers of one body, paced by the client: each chunk the client pulls is also handed to the meter.
 * Unlike `tee()`, a client cancel cancels the upstream (and ends the meter) instead of reading on.
 */
function splitBody(body: ReadableStream<Uint8Array>): {
  client: ReadableStream<Uint8Array>;
  meter: ReadableStream<Uint8Array>;
} {
  const reader = body.getReader();
  let meterController!: ReadableStreamDefaultController<Uint8Array>;
  let meterOpen = true;
  const meter = new ReadableStream<Uint8Array>({
    start: (controller) => void (meterController = controller),
    cancel: () => void (meterOpen = false),
  });
  const toMeter = (fn: () => void) => {
    if (!meterOpen) return;
    try {
      fn();
    } catch {
      meterOpen = false;
    }
  };
  const client = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        toMeter(() => meterController.close());
        controller.close();
        return;
      }
      toMeter(() => meterController.enqueue(value));
      controller.enqueue(value);
    },
    cancel(reason) {
      toMeter(() => meterController.close());
      return reader.cancel(reason);
    },
  });
  return { client, meter };
}

async function drain(stream: ReadableStream<unknown>): Promise<void> {
  const reader = stream.getReader();
  for (;;) if ((await reader.read()).done) return;
}
