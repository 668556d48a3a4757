import { z } from "zod";
import { estimateTokens } from "../../usage/token-count";

/**
 * The mock provider's embeddings: deterministic and offline. Each word of the text is hashed (FNV-1a)
 * into one signed bucket of a fixed-size vector, which is then L2-normalised: the same text always gives
 * the same vector, texts sharing words point in similar directions, and `dimensions` sets the length.
 */

export const MOCK_EMBEDDING_DIMENSIONS = 256;

const WORD = /[\p{L}\p{N}]+/gu;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The mock's vector for `text` (pure): unit length, `dimensions` long. */
export function mockEmbedding(text: string, dimensions = MOCK_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    const hash = fnv1a(word);
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  // A text without words still gets a unit vector, so cosine similarity is always defined.
  if (norm === 0) return vector.map((_, i) => (i === 0 ? 1 : 0));
  return vector.map((value) => value / norm);
}

const MockEmbeddingsBody = z.object({
  input: z.union([z.string(), z.array(z.string())]),
  model: z.string().optional(),
  dimensions: z.number().int().positive().max(8192).optional(),
});

/** The OpenAI-shaped answer the mock gives to `POST /embeddings`, or null when the body is not one. */
export function mockEmbeddingsAnswer(body: unknown) {
  const parsed = MockEmbeddingsBody.safeParse(body);
  if (!parsed.success) return null;
  const texts = typeof parsed.data.input === "string" ? [parsed.data.input] : parsed.data.input;
  const tokens = texts.reduce((total, text) => total + estimateTokens(text), 0);
  return {
    object: "list",
    data: texts.map((text, index) => ({
      object: "embedding",
      index,
      embedding: mockEmbedding(text, parsed.data.dimensions),
    })),
    model: parsed.data.model ?? "tollgate-embed",
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
