import { z } from "zod";

/**
 * The body of OpenAI's `POST /v1/embeddings`. `input` is one text or a batch of texts; token arrays
 * (arrays of integers) are refused by the parse step, because tokens are one tokenizer's ids: no other
 * provider reads them, and PII Shield cannot scan them.
 */

/** OpenAI's limit of inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;
/** Above every embedding model's size (the largest in common use have 4096). */
const MAX_DIMENSIONS = 8192;

const Text = z.string().min(1, "an input must not be empty");

export const EmbeddingsRequest = z.object({
  model: z.string().min(1),
  input: z.union([Text, z.array(Text).min(1, "input must hold at least one text").max(MAX_EMBEDDING_INPUTS)]),
  encoding_format: z.enum(["float", "base64"]).default("float"),
  dimensions: z.number().int().min(1).max(MAX_DIMENSIONS).optional(),
  user: z.string().max(256).optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

/** The request's texts, always as a list. */
export function inputTexts(request: Pick<EmbeddingsRequest, "input">): string[] {
  return typeof request.input === "string" ? [request.input] : request.input;
}

/** True when `input` is token ids: an array of integers or an array of such arrays. */
export function isTokenInput(input: unknown): boolean {
  if (!Array.isArray(input)) return false;
  return input.some((item) => typeof item === "number" || Array.isArray(item));
}
