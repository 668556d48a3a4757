import { bytesToBase64 } from "../../secrets/base64";
import type { EmbeddingsRequest } from "./request";

/** OpenAI's `base64` encoding: the vector as little-endian float32 bytes, base64-encoded. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (const [i, value] of vector.entries()) view.setFloat32(i * 4, value, true);
  return bytesToBase64(new Uint8Array(view.buffer));
}

/** The OpenAI embeddings list (pure); `model` is the `provider/model` that answered. */
export function embeddingsList(
  vectors: readonly number[][],
  format: EmbeddingsRequest["encoding_format"],
  model: string,
  promptTokens: number,
) {
  return {
    object: "list" as const,
    data: vectors.map((vector, index) => ({
      object: "embedding" as const,
      index,
      embedding: format === "base64" ? float32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
