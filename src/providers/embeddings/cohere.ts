import { z } from "zod";
import { GatewayError } from "../../errors";
import {
  type EmbeddingBatch,
  type EmbeddingTranslator,
  parseUpstream,
  postJson,
  trimSlash,
  Vector,
} from "./translator";

/**
 * Cohere's v2 `embed`, shared with Cohere models on Bedrock (same body, same `embeddings.float` answer).
 * Texts are embedded as `search_document` (what is stored and searched); `dimensions` becomes
 * `output_dimension`, which only Embed v4 has.
 */

/** Cohere's limit of texts per call. */
export const COHERE_MAX_TEXTS = 96;

export const CohereEmbeddingsAnswer = z.object({ embeddings: z.object({ float: z.array(Vector) }) });

/** The v4 family takes `output_dimension`; v3 models have one fixed size. */
const hasOutputDimension = (model: string) => /embed-v4/.test(model);

/** The body both Cohere's API and Bedrock's InvokeModel take; refuses `dimensions` a model cannot honour. */
export function cohereEmbedBody(batch: EmbeddingBatch, model: string) {
  if (batch.dimensions !== undefined && !hasOutputDimension(model))
    throw new GatewayError("invalid_request", `Model '${model}' has a fixed size: 'dimensions' is not supported.`, {
      param: "dimensions",
    });
  return {
    texts: batch.texts,
    input_type: "search_document",
    embedding_types: ["float"],
    ...(batch.dimensions !== undefined && { output_dimension: batch.dimensions }),
  };
}

const Answer = CohereEmbeddingsAnswer.extend({
  meta: z.object({ billed_units: z.object({ input_tokens: z.number().nonnegative() }).partial().nullish() }).nullish(),
});

export const cohereEmbeddings: EmbeddingTranslator = {
  maxBatch: () => COHERE_MAX_TEXTS,

  toRequest(batch, target) {
    return postJson(
      `${trimSlash(target.baseUrl)}/v2/embed`,
      { model: target.model, ...cohereEmbedBody(batch, target.model) },
      { authorization: `Bearer ${target.apiKey}` },
    );
  },

  fromResponse(json) {
    const answer = parseUpstream(Answer, json, "cohere");
    const tokens = answer.meta?.billed_units?.input_tokens;
    return { vectors: answer.embeddings.float, promptTokens: tokens === undefined ? null : Math.round(tokens) };
  },
};
