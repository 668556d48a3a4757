import { z } from "zod";
import { authHeaders, type ProviderRow } from "../catalog";
import { type EmbeddingTranslator, parseUpstream, postJson, trimSlash, Vector } from "./translator";

/**
 * `POST {base}/embeddings` of the OpenAI-compatible family (OpenAI, Mistral, Together, Fireworks,
 * OpenRouter, the mock): the gateway's own wire format. Floats (the default) are always what comes back
 * upstream; base64 is the gateway's encoding of the answer, so every family honours `encoding_format` alike.
 */

/** OpenAI's limit of inputs per request. */
const MAX_INPUTS = 2048;

const Answer = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: Vector })),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative() }).nullish(),
});

export function openAICompatibleEmbeddings(row: Pick<ProviderRow, "id" | "auth">): EmbeddingTranslator {
  return {
    maxBatch: () => MAX_INPUTS,

    toRequest(batch, target) {
      // Floats are the family's default; `user` is OpenAI's field, and stricter members reject unknown ones.
      const body = {
        model: target.model,
        input: batch.texts,
        ...(batch.dimensions !== undefined && { dimensions: batch.dimensions }),
        ...(batch.user !== undefined && row.id === "openai" && { user: batch.user }),
      };
      return postJson(`${trimSlash(target.baseUrl)}/embeddings`, body, authHeaders(row, target.apiKey));
    },

    fromResponse(json) {
      const { data, usage } = parseUpstream(Answer, json, row.id);
      // The family numbers its items; order by index rather than trusting the array order.
      const vectors = [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      return { vectors, promptTokens: usage?.prompt_tokens ?? null };
    },
  };
}
