import { z } from "zod";
import { ChatCompletion, ChatCompletionChunk } from "../providers/openai-schema";

const Tokens = z.number().int().nonnegative();

/**
 * A cached answer as the provider gave it, before output PII handling and before masked PII was restored:
 * placeholders stay placeholders, and each request that hits restores its own (PII Shield). A whole answer
 * is kept as the completion; a streamed one as its chunks, replayed through the same stages as a live one.
 */
export const CachedAnswerBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("whole"), completion: ChatCompletion }),
  z.object({ kind: z.literal("stream"), chunks: z.array(ChatCompletionChunk).max(100_000) }),
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
