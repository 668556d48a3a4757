import { createOpenAI } from "@ai-sdk/openai";
import { embed, embedMany } from "ai";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from "../../src/providers/embeddings/mock";
import { useDevProject } from "./support/dev-project";

/**
 * `POST /v1/embeddings` from the real clients, with NO custom fetch, against the gateway started the way
 * `npm run dev` starts it, at the loopback base URL it prints. The mock's vectors are a pure function of the
 * text, so what the SDK hands back can be compared with the vector computed here.
 */
const MODEL = "mock/tollgate-embed";

const dev = useDevProject({ userPrefix: "emb" });

function expectCloseTo(actual: readonly number[], expected: readonly number[]) {
  expect(actual).toHaveLength(expected.length);
  // float32 on the wire (base64) keeps about 7 significant digits.
  for (const [i, value] of actual.entries()) expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 6);
}

function decodeFloat32(base64: string): number[] {
  const bytes = Buffer.from(base64, "base64");
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

describe("openai embeddings.create", () => {
  let sdk: OpenAI;
  beforeAll(async () => {
    sdk = new OpenAI({ baseURL: dev().baseURL, apiKey: await dev().freshUserToken(), maxRetries: 0 });
  });

  it("embeds one text (the SDK asks for base64 by default and decodes it)", async () => {
    const result = await sdk.embeddings.create({ model: MODEL, input: "The quick brown fox" });
    expect(result.object).toBe("list");
    expect(result.model).toBe(MODEL);
    expect(result.data).toHaveLength(1);
    expectCloseTo(result.data[0]?.embedding ?? [], mockEmbedding("The quick brown fox"));
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens);
  });

  it("embeds a batch in order, floats asked for explicitly, dimensions honoured", async () => {
    const texts = ["alpha document", "beta document", "gamma"];
    const result = await sdk.embeddings.create({
      model: MODEL,
      input: texts,
      encoding_format: "float",
      dimensions: 48,
    });
    expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const [i, text] of texts.entries()) expectCloseTo(result.data[i]?.embedding ?? [], mockEmbedding(text, 48));
  });

  it("returns base64 strings when asked for them explicitly", async () => {
    const result = await sdk.embeddings.create({ model: MODEL, input: ["encoded"], encoding_format: "base64" });
    const encoded = result.data[0]?.embedding as unknown;
    expect(typeof encoded).toBe("string");
    expectCloseTo(decodeFloat32(encoded as string), mockEmbedding("encoded"));
  });

  it("surfaces a refused token-array input as the SDK's 400 error", async () => {
    await expect(sdk.embeddings.create({ model: MODEL, input: [[1, 2, 3]] })).rejects.toMatchObject({
      status: 400,
      code: "invalid_request",
      param: "input",
    });
  });
});

describe("the Vercel AI SDK embed / embedMany with @ai-sdk/openai", () => {
  let provider: ReturnType<typeof createOpenAI>;
  beforeAll(async () => {
    provider = createOpenAI({ baseURL: dev().baseURL, apiKey: await dev().freshUserToken() });
  });

  it("embeds one value through openai.embedding(model)", async () => {
    const { embedding, usage } = await embed({ model: provider.embedding(MODEL), value: "sunny day", maxRetries: 0 });
    expect(embedding).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    expectCloseTo(embedding, mockEmbedding("sunny day"));
    expect(usage.tokens).toBeGreaterThan(0);
  });

  it("embeds many values through textEmbeddingModel(model), with dimensions from provider options", async () => {
    const values = ["sunny day at the beach", "rainy night in the city", "sunny afternoon on the beach"];
    const { embeddings } = await embedMany({
      model: provider.textEmbeddingModel(MODEL),
      values,
      providerOptions: { openai: { dimensions: 64 } },
      maxRetries: 0,
    });
    expect(embeddings).toHaveLength(3);
    for (const [i, value] of values.entries()) expectCloseTo(embeddings[i] ?? [], mockEmbedding(value, 64));
  });
});
