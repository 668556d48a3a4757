import { z } from "zod";
import { ChatCompletion, ChatCompletionChunk } from "../providers/openai-schema";

const Tokens = z.number().int().nonnegative();

/**
 * The most vector values one embeddings entry holds (about 5 MB of JSON): a larger batch is answered but not
 * cached, so sealing and storing an entry never holds a large copy of it in the isolate's memory. A repeated
 * query (the common hit) is one text; a bulk indexing batch is rarely sent twice.
 */
export const MAX_CACHED_EMBEDDING_VALUES = 262_144;

/**
 * A cached answer as the provider gave it, before output PII handling and before masked PII was restored:
 * placeholders stay placeholders, and each request that hits restores its own (PII Shield). A whole answer
 * is kept as the completion; a streamed one as its chunks, replayed through the same stages as a live one.
 */
export const CachedAnswerBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("whole"), completion: ChatCompletion }),
  z.object({ kind: z.literal("stream"), chunks: z.array(ChatCompletionChunk).max(100_000) }),
  z.object({
    kind: z.literal("embeddings"),
    vectors: z
      .array(z.array(z.number()))
      .refine((vectors) => embeddingValues(vectors) <= MAX_CACHED_EMBEDDING_VALUES, "too many values to cache"),
  }),
]);
export type CachedAnswerBody = z.infer<typeof CachedAnswerBody>;

/** What an entry holds: the answer, what making it cost (the ledger's "saved" figures) and who made it. */
export const CachedAnswer = z.object({
  answer: CachedAnswerBody,
  usage: z.object({ promptTokens: Tokens, completionTokens: Tokens }),
  target: z.object({ provider: z.string(), model: z.string() }),
  /** Epoch ms; checked on read as well as by the Cache API's max-age, so an entry never outlives its TTL. */
  expiresAt: z.number().int(),
});
export type CachedAnswer = z.infer<typeof CachedAnswer>;

/** How many numbers a batch of vectors holds (pure). */
export function embeddingValues(vectors: readonly (readonly number[])[]): number {
  return vectors.reduce((total, vector) => total + vector.length, 0);
}
