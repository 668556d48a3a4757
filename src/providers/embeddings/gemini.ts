import { z } from "zod";
import { type EmbeddingTranslator, parseUpstream, postJson, trimSlash, Vector } from "./translator";

/**
 * Gemini API `models/{model}:batchEmbedContents`: one sub-request per text, `outputDimensionality` for
 * `dimensions`. The answer carries no token count, so the gateway estimates it.
 */

/** The Gemini API's limit of requests in one batch call. */
const MAX_REQUESTS = 100;

const Answer = z.object({ embeddings: z.array(z.object({ values: Vector })) });

export const geminiEmbeddings: EmbeddingTranslator = {
  maxBatch: () => MAX_REQUESTS,

  toRequest(batch, target) {
    const model = `models/${target.model}`;
    const requests = batch.texts.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(batch.dimensions !== undefined && { outputDimensionality: batch.dimensions }),
    }));
    return postJson(
      `${trimSlash(target.baseUrl)}/v1beta/models/${encodeURIComponent(target.model)}:batchEmbedContents`,
      { requests },
      { "x-goog-api-key": target.apiKey },
    );
  },

  fromResponse(json) {
    const { embeddings } = parseUpstream(Answer, json, "google");
    return { vectors: embeddings.map((embedding) => embedding.values), promptTokens: null };
  },
};
