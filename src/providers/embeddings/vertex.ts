import { z } from "zod";
import { type EmbeddingTranslator, parseUpstream, postJson, trimSlash, Vector } from "./translator";

/**
 * Vertex AI `publishers/google/models/{model}:predict` with one instance per text and
 * `parameters.outputDimensionality` for `dimensions`; each prediction reports its own token count. The
 * OAuth token is added by vertexFetch, as for chat.
 */

/** gemini-embedding-001 takes one instance per request on Vertex; the text-embedding models up to 250. */
const MAX_INSTANCES = 250;

const Answer = z.object({
  predictions: z.array(
    z.object({
      embeddings: z.object({
        values: Vector,
        statistics: z.object({ token_count: z.number().nonnegative() }).partial().optional(),
      }),
    }),
  ),
});

export const vertexEmbeddings: EmbeddingTranslator = {
  maxBatch: (model) => (model.startsWith("gemini-embedding") ? 1 : MAX_INSTANCES),

  toRequest(batch, target) {
    const url = `${trimSlash(target.baseUrl)}/publishers/google/models/${encodeURIComponent(target.model)}:predict`;
    return postJson(url, {
      instances: batch.texts.map((content) => ({ content })),
      ...(batch.dimensions !== undefined && { parameters: { outputDimensionality: batch.dimensions } }),
    });
  },

  fromResponse(json) {
    const { predictions } = parseUpstream(Answer, json, "vertex");
    const counts = predictions.map((prediction) => prediction.embeddings.statistics?.token_count);
    const promptTokens = counts.every((count) => count !== undefined)
      ? counts.reduce<number>((total, count) => total + Math.round(count ?? 0), 0)
      : null;
    return { vectors: predictions.map((prediction) => prediction.embeddings.values), promptTokens };
  },
};
