import { findProvider, type Protocol, type ProviderRow } from "../catalog";
import { bedrockEmbeddings } from "./bedrock";
import { cohereEmbeddings } from "./cohere";
import { geminiEmbeddings } from "./gemini";
import { openAICompatibleEmbeddings } from "./openai-compatible";
import type { EmbeddingTranslator } from "./translator";
import { vertexEmbeddings } from "./vertex";

/**
 * Which providers embed, and with which translator. Anthropic has no embeddings API; Groq and DeepSeek
 * serve none either, so they are refused here instead of failing upstream with a provider 404.
 */
const NO_EMBEDDINGS = new Set(["groq", "deepseek"]);

const BY_PROTOCOL: Record<Exclude<Protocol, "openai" | "anthropic">, EmbeddingTranslator> = {
  google: geminiEmbeddings,
  cohere: cohereEmbeddings,
  vertex: vertexEmbeddings,
  bedrock: bedrockEmbeddings,
};

export function embeddingTranslatorFor(providerId: string): EmbeddingTranslator | null {
  const row: ProviderRow | undefined = findProvider(providerId);
  if (!row || NO_EMBEDDINGS.has(row.id) || row.protocol === "anthropic") return null;
  return row.protocol === "openai" ? openAICompatibleEmbeddings(row) : BY_PROTOCOL[row.protocol];
}
