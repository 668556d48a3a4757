import { z } from "zod";
import { MalformedUpstream, type ProviderTarget, type UpstreamRequest } from "../adapter";

/**
 * The embedding contract of one provider family, pure like the chat adapters (STYLE.md #7): build the
 * upstream request for one batch of texts, read the vectors and the token count out of the answer. Signing
 * and OAuth stay in the providers' transports (bedrockFetch, vertexFetch), as for chat.
 */

/** One batch as the gateway sends it upstream: texts already through PII Shield. */
export interface EmbeddingBatch {
  texts: string[];
  /** OpenAI `dimensions`: the length each vector must have; absent means the model's default. */
  dimensions?: number;
  /** OpenAI `user`, forwarded only where the provider has the field. */
  user?: string;
}

export interface EmbeddingResult {
  /** One vector per text, in the batch's order. */
  vectors: number[][];
  /** Input tokens as the provider counted them, or null when it reports none (the gateway then estimates). */
  promptTokens: number | null;
}

export interface EmbeddingTranslator {
  /** Most texts one upstream request may carry for `model`; larger inputs are split into several calls. */
  maxBatch(model: string): number;
  toRequest(batch: EmbeddingBatch, target: ProviderTarget): UpstreamRequest;
  /** Throws MalformedUpstream when the answer is not the provider's documented shape. */
  fromResponse(json: unknown, headers: Headers): EmbeddingResult;
}

export const Vector = z.array(z.number());

/** A JSON POST to `url` with the given headers. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): UpstreamRequest {
  return {
    url,
    init: { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) },
  };
}

/** `json` parsed by `schema`, or MalformedUpstream naming the provider. */
export function parseUpstream<Schema extends z.ZodType>(
  schema: Schema,
  json: unknown,
  provider: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MalformedUpstream(`${provider} returned embeddings of an unexpected shape`);
  return parsed.data;
}

export const trimSlash = (baseUrl: string) => baseUrl.replace(/\/+$/, "");
