import { GatewayError } from "../../errors";
import { MalformedUpstream } from "../../providers/adapter";
import { type CallTarget, callProvider } from "../../providers/call";
import type { EmbeddingBatch, EmbeddingTranslator } from "../../providers/embeddings/translator";
import { malformedError } from "../../providers/upstream-error";
import { estimateTokens } from "../../usage/token-count";

export interface EmbedInput {
  target: CallTarget;
  translator: EmbeddingTranslator;
  texts: string[];
  dimensions?: number;
  user?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Sent on every upstream call: the trace's `traceparent` (src/telemetry/). */
  headers?: Record<string, string>;
}

export interface Embedded {
  vectors: number[][];
  promptTokens: number;
}

/** Upstream calls one request may make: a provider that embeds one text per call (Titan) caps the batch. */
export const MAX_UPSTREAM_CALLS = 100;
/** Batches in flight at once. */
const CONCURRENCY = 4;

/**
 * Embeds `texts` in as few upstream calls as the provider allows, a few at a time, in order. Each call
 * gets the chat path's timeout and one retry on 429/5xx (an embedding is idempotent); there is no
 * fallback model, because another model's vectors are not comparable with the ones a client has stored.
 */
export async function embedTexts(input: EmbedInput): Promise<Embedded> {
  const size = Math.max(1, input.translator.maxBatch(input.target.model));
  const batches: EmbeddingBatch[] = [];
  for (let start = 0; start < input.texts.length; start += size)
    batches.push({
      texts: input.texts.slice(start, start + size),
      ...(input.dimensions !== undefined && { dimensions: input.dimensions }),
      ...(input.user !== undefined && { user: input.user }),
    });
  if (batches.length > MAX_UPSTREAM_CALLS)
    throw new GatewayError(
      "invalid_request",
      `Model '${input.target.model}' embeds ${size} input(s) per call: send at most ${size * MAX_UPSTREAM_CALLS} inputs.`,
      { param: "input" },
    );
  const results = new Array<Embedded>(batches.length);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const index = next++;
      const batch = batches[index];
      if (batch) results[index] = await embedBatch(input, batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  return {
    vectors: results.flatMap((result) => result.vectors),
    promptTokens: results.reduce((total, result) => total + result.promptTokens, 0),
  };
}

async function embedBatch(input: EmbedInput, batch: EmbeddingBatch): Promise<Embedded> {
  const call = await callProvider({
    ...input.target,
    buildRequest: (target) => input.translator.toRequest(batch, target),
    timeoutMs: input.timeoutMs,
    ...(input.signal && { signal: input.signal }),
    ...(input.headers && { headers: input.headers }),
    retry: { attempts: 2 },
  });
  const label = call.target.providerLabel;
  let result: ReturnType<EmbeddingTranslator["fromResponse"]>;
  try {
    result = input.translator.fromResponse(await call.response.json(), call.response.headers);
  } catch (err) {
    if (err instanceof MalformedUpstream || err instanceof SyntaxError) throw malformedError(label);
    throw err;
  }
  // One vector per text, each of the requested size: anything else would misalign the client's index.
  if (result.vectors.length !== batch.texts.length) throw malformedError(label);
  if (batch.dimensions !== undefined && result.vectors.some((vector) => vector.length !== batch.dimensions))
    throw malformedError(label);
  return {
    vectors: result.vectors,
    promptTokens: result.promptTokens ?? batch.texts.reduce((total, text) => total + estimateTokens(text), 0),
  };
}
