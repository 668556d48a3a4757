import { describe, expect, it } from "vitest";
import { newStreamState, type ProviderAdapter } from "../../src/providers/adapter";
import { adapterFor } from "../../src/providers/registry";
import { upstreamChunks } from "../../src/streaming/upstream";

// Attack (issue #16 item 7): a provider's mid-stream error text (which can echo the prompt, a key or an
// internal URL) reached the client verbatim in the SSE error event, while whole errors were sanitised.
const LEAKY =
  'data: {"error":{"message":"upstream sk-proj-abcdefghijklmnop1234 at http://10.0.0.7/v1 rejected: my secret prompt"}}\n\n';

describe("mid-stream provider errors are sanitised like whole ones", () => {
  it("names the provider and shows none of its text, key or URL", async () => {
    const body = new Response(LEAKY).body as ReadableStream<Uint8Array>;
    const { stream, outcome } = upstreamChunks({
      body,
      adapter: adapterFor("openai") as ProviderAdapter,
      state: newStreamState({ id: "c", created: 0, model: "m" }),
      providerLabel: "openai",
      promptTokensEstimate: 1,
      includeUsage: false,
    });
    const items = [];
    for await (const item of stream) items.push(item);
    expect(items).toEqual([{ type: "error", message: "openai reported an error mid-stream." }]);
    expect((await outcome).status).toBe("failed");
  });
});
