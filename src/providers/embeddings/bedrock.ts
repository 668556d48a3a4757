import { z } from "zod";
import { GatewayError } from "../../errors";
import { COHERE_MAX_TEXTS, CohereEmbeddingsAnswer, cohereEmbedBody } from "./cohere";
import { type EmbeddingTranslator, parseUpstream, postJson, trimSlash, Vector } from "./translator";

/**
 * Bedrock InvokeModel (`/model/{id}/invoke`) for its two embedding families: Amazon Titan Text Embeddings
 * (one text per call, `dimensions` 256/512/1024 on v2, normalised) and Cohere Embed (Cohere's own body, up
 * to 96 texts). SigV4 signing is bedrockFetch's, as for chat. Cohere's token count arrives as a header.
 */

type Family = "titan" | "cohere";

/** Also matches cross-region inference profiles (`us.cohere.embed-v4:0`). */
function familyOf(model: string): Family {
  if (/amazon\.titan-embed-text/.test(model)) return "titan";
  if (/cohere\.embed/.test(model)) return "cohere";
  throw new GatewayError(
    "invalid_request",
    `Bedrock model '${model}' is not an embedding model Tollgate can call (Titan Text Embeddings or Cohere Embed).`,
    { param: "model" },
  );
}

const TitanAnswer = z.object({ embedding: Vector, inputTextTokenCount: z.number().nonnegative().optional() });

const INPUT_TOKEN_HEADER = "x-amzn-bedrock-input-token-count";

export const bedrockEmbeddings: EmbeddingTranslator = {
  maxBatch: (model) => (familyOf(model) === "titan" ? 1 : COHERE_MAX_TEXTS),

  toRequest(batch, target) {
    const url = `${trimSlash(target.baseUrl)}/model/${encodeURIComponent(target.model)}/invoke`;
    if (familyOf(target.model) === "cohere") return postJson(url, cohereEmbedBody(batch, target.model));
    return postJson(url, {
      inputText: batch.texts[0] ?? "",
      normalize: true,
      ...(batch.dimensions !== undefined && { dimensions: batch.dimensions }),
    });
  },

  fromResponse(json, headers) {
    const header = Number(headers.get(INPUT_TOKEN_HEADER) ?? Number.NaN);
    const fromHeader = Number.isFinite(header) && header >= 0 ? Math.round(header) : null;
    if (typeof json === "object" && json !== null && "embeddings" in json) {
      const answer = parseUpstream(CohereEmbeddingsAnswer, json, "bedrock");
      return { vectors: answer.embeddings.float, promptTokens: fromHeader };
    }
    const titan = parseUpstream(TitanAnswer, json, "bedrock");
    const counted = titan.inputTextTokenCount;
    return { vectors: [titan.embedding], promptTokens: counted === undefined ? fromHeader : Math.round(counted) };
  },
};
