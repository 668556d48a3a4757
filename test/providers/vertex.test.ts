import { beforeEach, describe, expect, it } from "vitest";
import { ChatRequest } from "../../src/providers/openai-schema";
import { vertexAdapter, vertexBaseUrl, vertexFetch, vertexRegionOf } from "../../src/providers/vertex";
import { clearVertexTokenCache } from "../../src/providers/vertex-auth";
import error403 from "../fixtures/providers/vertex/error-403.json";
import response from "../fixtures/providers/vertex/response.json";
import stream from "../fixtures/providers/vertex/stream.sse?raw";
import { fakeGoogle, fakeServiceAccount, FAKE_TOKEN_URL } from "../fixtures/providers/vertex/fake-google";
import { META, finishReasons, streamFixture } from "./fixture-stream";

const base = vertexBaseUrl("europe-west4", "acme-ml");
const target = { model: "gemini-2.0-flash", apiKey: "unused", baseUrl: base };
const toRequest = (request: unknown) => vertexAdapter.toRequest(ChatRequest.parse(request), target);
const hi = [{ role: "user", content: "hi" }];

beforeEach(() => clearVertexTokenCache());

describe("vertex endpoints", () => {
  it.each([
    [
      "europe-west4",
      "acme-ml",
      "https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-ml/locations/europe-west4",
    ],
    [
      "us-central1",
      "p-123456",
      "https://us-central1-aiplatform.googleapis.com/v1/projects/p-123456/locations/us-central1",
    ],
    ["global", "acme-ml", "https://aiplatform.googleapis.com/v1/projects/acme-ml/locations/global"],
  ])("region %s, project %s → %s", (region, project, url) => {
    expect(vertexBaseUrl(region, project)).toBe(url);
    expect(vertexRegionOf(url)).toBe(region);
  });

  it.each([
    [false, `${base}/publishers/google/models/gemini-2.0-flash:generateContent`],
    [true, `${base}/publishers/google/models/gemini-2.0-flash:streamGenerateContent?alt=sse`],
  ])("stream=%s calls %s with no API key (the token is the transport's)", (stream, url) => {
    const request = toRequest({ messages: hi, stream });
    expect(request.url).toBe(url);
    expect(request.init.headers).toEqual({ "content-type": "application/json" });
  });

  it("sends the Gemini body unchanged (system instruction, generation config)", () => {
    const body = JSON.parse(
      toRequest({ messages: [{ role: "system", content: "Be brief." }, ...hi], max_tokens: 32 }).init.body ?? "{}",
    );
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 32 },
    });
  });
});

describe("vertex responses", () => {
  it("translates a recorded answer with usage", () => {
    expect(vertexAdapter.fromResponse(response, META)).toEqual({
      ...META,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Bonjour ! Comment puis-je vous aider ?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 6, completion_tokens: 11, total_tokens: 17 },
    });
  });

  it("streams a recorded answer, taking usage from the last event", async () => {
    const { text, out, outcome } = await streamFixture(vertexAdapter, stream);
    expect(text).toBe("Bonjour, ça va ?");
    expect(finishReasons(out)).toEqual(["stop"]);
    expect(outcome).toMatchObject({
      status: "completed",
      usage: { promptTokens: 5, completionTokens: 7, source: "provider" },
    });
  });

  it("reads the message of a permission error", () => {
    expect(vertexAdapter.errorMessage(error403)).toMatch(/aiplatform.endpoints.predict/);
  });
});

describe("vertexFetch", () => {
  it("adds the service account's bearer token to the Vertex call", async () => {
    const { account, publicKey } = await fakeServiceAccount();
    const google = fakeGoogle(publicKey, () => Response.json(response));
    const { url, init } = toRequest({ messages: hi });
    const answer = await vertexFetch(account, google.fetch, { tokenUrl: FAKE_TOKEN_URL })(url, init);
    expect(answer.status).toBe(200);
    const call = google.calls.find((c) => c.url === url);
    expect(call?.headers.get("authorization")).toBe("Bearer ya29.fake-1");
    expect(call?.headers.get("x-goog-api-key")).toBeNull();
  });

  it("answers 401 with the token endpoint's reason when the key is refused, without calling Vertex", async () => {
    const { account } = await fakeServiceAccount();
    const { publicKey: otherKey } = await fakeServiceAccount();
    const google = fakeGoogle(otherKey);
    const { url, init } = toRequest({ messages: hi });
    const answer = await vertexFetch(account, google.fetch, { tokenUrl: FAKE_TOKEN_URL })(url, init);
    expect(answer.status).toBe(401);
    expect(vertexAdapter.errorMessage(await answer.json())).toMatch(/invalid_grant/);
    expect(google.calls.some((c) => c.url === url)).toBe(false);
  });
});
