import { describe, expect, it } from "vitest";
import { embedTexts } from "../../src/data-plane/embeddings/embed";
import { float32Base64 } from "../../src/data-plane/embeddings/render";
import { GatewayError } from "../../src/errors";
import type { ProviderTarget } from "../../src/providers/adapter";
import { bedrockEmbeddings } from "../../src/providers/embeddings/bedrock";
import { cohereEmbeddings } from "../../src/providers/embeddings/cohere";
import { geminiEmbeddings } from "../../src/providers/embeddings/gemini";
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from "../../src/providers/embeddings/mock";
import { embeddingTranslatorFor } from "../../src/providers/embeddings/registry";
import type { EmbeddingTranslator } from "../../src/providers/embeddings/translator";
import { vertexEmbeddings } from "../../src/providers/embeddings/vertex";
import { adapterFor } from "../../src/providers/registry";

const target = (model: string, baseUrl = "https://up.test"): ProviderTarget => ({
  model,
  apiKey: "sk-test-KEY",
  baseUrl,
});
const bodyOf = (init: { body?: string }) => JSON.parse(init.body ?? "null");
const noHeaders = new Headers();

function translator(providerId: string): EmbeddingTranslator {
  const found = embeddingTranslatorFor(providerId);
  if (!found) throw new Error(`no translator for ${providerId}`);
  return found;
}

describe("OpenAI-compatible embeddings", () => {
  const openai = translator("openai");

  it("posts the texts to /embeddings with the key and dimensions, user only to OpenAI", () => {
    const { url, init } = openai.toRequest(
      { texts: ["a", "b"], dimensions: 256, user: "end-user" },
      target("text-embedding-3-small", "https://api.openai.com/v1/"),
    );
    expect(url).toBe("https://api.openai.com/v1/embeddings");
    expect(init.headers.authorization).toBe("Bearer sk-test-KEY");
    expect(bodyOf(init)).toEqual({
      model: "text-embedding-3-small",
      input: ["a", "b"],
      dimensions: 256,
      user: "end-user",
    });
    const mistral = translator("mistral").toRequest({ texts: ["a"], user: "end-user" }, target("mistral-embed"));
    expect(bodyOf(mistral.init)).toEqual({ model: "mistral-embed", input: ["a"] });
  });

  it("reads vectors in index order and the prompt tokens", () => {
    const result = openai.fromResponse(
      {
        object: "list",
        data: [
          { object: "embedding", index: 1, embedding: [0, 1] },
          { object: "embedding", index: 0, embedding: [1, 0] },
        ],
        usage: { prompt_tokens: 7, total_tokens: 7 },
      },
      noHeaders,
    );
    expect(result).toEqual({
      vectors: [
        [1, 0],
        [0, 1],
      ],
      promptTokens: 7,
    });
    expect(openai.fromResponse({ data: [{ index: 0, embedding: [1] }] }, noHeaders).promptTokens).toBeNull();
    expect(() => openai.fromResponse({ data: [{ index: 0, embedding: "nope" }] }, noHeaders)).toThrow(
      /unexpected shape/,
    );
  });

  it("is refused for providers without an embeddings API", () => {
    for (const id of ["anthropic", "groq", "deepseek", "nosuch"]) expect(embeddingTranslatorFor(id)).toBeNull();
    for (const id of ["openai", "mistral", "together", "fireworks", "openrouter", "mock", "google", "cohere"])
      expect(embeddingTranslatorFor(id)).not.toBeNull();
  });
});

describe("Gemini embeddings", () => {
  it("builds batchEmbedContents with one request per text and outputDimensionality", () => {
    const { url, init } = geminiEmbeddings.toRequest(
      { texts: ["x", "y"], dimensions: 768 },
      target("gemini-embedding-001", "https://generativelanguage.googleapis.com"),
    );
    expect(url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(init.headers["x-goog-api-key"]).toBe("sk-test-KEY");
    expect(bodyOf(init)).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "x" }] }, outputDimensionality: 768 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "y" }] }, outputDimensionality: 768 },
      ],
    });
  });

  it("reads the values and reports no token count (the gateway estimates)", () => {
    const result = geminiEmbeddings.fromResponse({ embeddings: [{ values: [0.1] }, { values: [0.2] }] }, noHeaders);
    expect(result).toEqual({ vectors: [[0.1], [0.2]], promptTokens: null });
    expect(() => geminiEmbeddings.fromResponse({ embedding: { values: [1] } }, noHeaders)).toThrow();
  });
});

describe("Vertex embeddings", () => {
  const base = "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1";

  it("builds :predict with one instance per text, no key header (vertexFetch adds the token)", () => {
    const { url, init } = vertexEmbeddings.toRequest(
      { texts: ["x", "y"], dimensions: 256 },
      target("text-embedding-005", base),
    );
    expect(url).toBe(`${base}/publishers/google/models/text-embedding-005:predict`);
    expect(init.headers.authorization).toBeUndefined();
    expect(bodyOf(init)).toEqual({
      instances: [{ content: "x" }, { content: "y" }],
      parameters: { outputDimensionality: 256 },
    });
  });

  it("sums the per-prediction token counts, and batches gemini-embedding-001 one text per call", () => {
    const result = vertexEmbeddings.fromResponse(
      {
        predictions: [
          { embeddings: { values: [1], statistics: { token_count: 3, truncated: false } } },
          { embeddings: { values: [2], statistics: { token_count: 4, truncated: false } } },
        ],
      },
      noHeaders,
    );
    expect(result).toEqual({ vectors: [[1], [2]], promptTokens: 7 });
    expect(
      vertexEmbeddings.fromResponse({ predictions: [{ embeddings: { values: [1] } }] }, noHeaders).promptTokens,
    ).toBeNull();
    expect(vertexEmbeddings.maxBatch("gemini-embedding-001")).toBe(1);
    expect(vertexEmbeddings.maxBatch("text-embedding-005")).toBeGreaterThan(1);
  });
});

describe("Cohere embeddings", () => {
  it("builds v2/embed as search_document floats, output_dimension only for Embed v4", () => {
    const { url, init } = cohereEmbeddings.toRequest(
      { texts: ["x"], dimensions: 512 },
      target("embed-v4.0", "https://api.cohere.com"),
    );
    expect(url).toBe("https://api.cohere.com/v2/embed");
    expect(init.headers.authorization).toBe("Bearer sk-test-KEY");
    expect(bodyOf(init)).toEqual({
      model: "embed-v4.0",
      texts: ["x"],
      input_type: "search_document",
      embedding_types: ["float"],
      output_dimension: 512,
    });
    const refused = (() => {
      try {
        cohereEmbeddings.toRequest({ texts: ["x"], dimensions: 512 }, target("embed-english-v3.0"));
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: "invalid_request", param: "dimensions" });
  });

  it("reads embeddings.float and the billed input tokens", () => {
    const result = cohereEmbeddings.fromResponse(
      { id: "e", embeddings: { float: [[0.5, 0.5]] }, texts: ["x"], meta: { billed_units: { input_tokens: 2 } } },
      noHeaders,
    );
    expect(result).toEqual({ vectors: [[0.5, 0.5]], promptTokens: 2 });
  });
});

describe("Bedrock embeddings", () => {
  const base = "https://bedrock-runtime.eu-west-1.amazonaws.com";

  it("invokes Titan with one text, normalised, with dimensions", () => {
    const { url, init } = bedrockEmbeddings.toRequest(
      { texts: ["hello"], dimensions: 512 },
      target("amazon.titan-embed-text-v2:0", base),
    );
    expect(url).toBe(`${base}/model/amazon.titan-embed-text-v2%3A0/invoke`);
    expect(bodyOf(init)).toEqual({ inputText: "hello", normalize: true, dimensions: 512 });
    expect(bedrockEmbeddings.maxBatch("amazon.titan-embed-text-v2:0")).toBe(1);
    expect(bedrockEmbeddings.fromResponse({ embedding: [0.1, 0.2], inputTextTokenCount: 3 }, noHeaders)).toEqual({
      vectors: [[0.1, 0.2]],
      promptTokens: 3,
    });
  });

  it("invokes Cohere Embed with Cohere's body and reads the token count from the header", () => {
    const { url, init } = bedrockEmbeddings.toRequest({ texts: ["a", "b"] }, target("cohere.embed-english-v3", base));
    expect(url).toBe(`${base}/model/cohere.embed-english-v3/invoke`);
    expect(bodyOf(init)).toEqual({ texts: ["a", "b"], input_type: "search_document", embedding_types: ["float"] });
    expect(bedrockEmbeddings.maxBatch("us.cohere.embed-v4:0")).toBe(96);
    const headers = new Headers({ "X-Amzn-Bedrock-Input-Token-Count": "5" });
    expect(bedrockEmbeddings.fromResponse({ embeddings: { float: [[1], [2]] } }, headers)).toEqual({
      vectors: [[1], [2]],
      promptTokens: 5,
    });
  });

  it("refuses a Bedrock model that is not an embedding model", () => {
    expect(() => bedrockEmbeddings.maxBatch("amazon.nova-lite-v1:0")).toThrow(GatewayError);
  });
});

describe("the mock's vectors", () => {
  it("are deterministic, unit length, sized by dimensions, and closer for texts that share words", () => {
    const fox = mockEmbedding("The quick brown fox");
    expect(mockEmbedding("the quick brown FOX")).toEqual(fox);
    expect(fox).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...fox)).toBeCloseTo(1, 9);
    expect(mockEmbedding("x", 32)).toHaveLength(32);
    expect(Math.hypot(...mockEmbedding("", 8))).toBeCloseTo(1, 9);
    const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
    expect(dot(fox, mockEmbedding("a brown fox"))).toBeGreaterThan(dot(fox, mockEmbedding("tax law in Norway")));
  });
});

describe("embedTexts", () => {
  const openaiAdapter = adapterFor("openai");
  if (!openaiAdapter) throw new Error("no openai adapter");

  function callTarget(fetch: typeof globalThis.fetch, model = "text-embedding-3-small") {
    return {
      adapter: openaiAdapter!,
      providerLabel: "OpenAI",
      model,
      apiKey: "k",
      baseUrl: "https://up.test/v1",
      fetch,
    };
  }

  /** An OpenAI-shaped upstream that embeds each text as [its length] and counts one token per text. */
  function upstream(calls: string[][], dimensions = 1) {
    const fn: typeof fetch = async (_input, init) => {
      const texts = JSON.parse(String(init?.body)).input as string[];
      calls.push(texts);
      return Response.json({
        data: texts.map((text, index) => ({ index, embedding: Array(dimensions).fill(text.length) })),
        usage: { prompt_tokens: texts.length },
      });
    };
    return fn;
  }

  it("splits a batch into the provider's largest calls, keeps the order, and sums the tokens", async () => {
    const calls: string[][] = [];
    const small: EmbeddingTranslator = { ...translator("openai"), maxBatch: () => 2 };
    const texts = ["a", "bb", "ccc", "dddd", "eeeee"];
    const result = await embedTexts({ target: callTarget(upstream(calls)), translator: small, texts, timeoutMs: 1000 });
    expect(calls).toHaveLength(3);
    expect(calls.flat().sort()).toEqual([...texts].sort());
    expect(result.vectors).toEqual([[1], [2], [3], [4], [5]]);
    expect(result.promptTokens).toBe(5);
  });

  it("fails as a provider error when the answer has the wrong count or size of vectors", async () => {
    const wrongSize = embedTexts({
      target: callTarget(upstream([], 3)),
      translator: translator("openai"),
      texts: ["a"],
      dimensions: 4,
      timeoutMs: 1000,
    });
    await expect(wrongSize).rejects.toMatchObject({ code: "provider_error" });
    const dropsOne: typeof fetch = async () => Response.json({ data: [{ index: 0, embedding: [1] }] });
    const short = embedTexts({
      target: callTarget(dropsOne),
      translator: translator("openai"),
      texts: ["a", "b"],
      timeoutMs: 1000,
    });
    await expect(short).rejects.toMatchObject({ code: "provider_error" });
  });

  it("refuses more inputs than one request may fan out to, before calling anyone", async () => {
    const calls: string[][] = [];
    const one: EmbeddingTranslator = { ...translator("openai"), maxBatch: () => 1 };
    const refused = embedTexts({
      target: callTarget(upstream(calls)),
      translator: one,
      texts: Array.from({ length: 101 }, (_, i) => `t${i}`),
      timeoutMs: 1000,
    });
    await expect(refused).rejects.toMatchObject({ code: "invalid_request", param: "input" });
    expect(calls).toHaveLength(0);
  });
});

describe("base64 encoding", () => {
  it("is little-endian float32, as OpenAI's SDKs decode it", () => {
    const encoded = float32Base64([1, -2.5]);
    const bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1, -2.5]);
    expect(Array.from(bytes.slice(0, 4))).toEqual([0, 0, 128, 63]);
  });
});
