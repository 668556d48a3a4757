import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors";
import { readBodyBytes, readJsonCapped } from "../../src/http/body-limit";

/** A POST whose body arrives in the given chunks, with no Content-Length. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  const counter = { pulls: 0 };
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulls++;
      const chunk = chunks[index++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  return { request: new Request("https://x.localhost/", { method: "POST", body, headers }), counter };
}

const bytes = (text: string) => new TextEncoder().encode(text);

async function refusal(promise: Promise<unknown>) {
  const err = await promise.catch((e: unknown) => e);
  return err instanceof GatewayError ? err.code : err;
}

describe("readBodyBytes", () => {
  it("returns a body of exactly the cap, split inside a multibyte character", async () => {
    const euros = bytes("€€"); // 6 bytes
    const { request } = streamed([euros.subarray(0, 2), euros.subarray(2)]);
    expect(new TextDecoder().decode(await readBodyBytes(request, 6))).toBe("€€");
  });

  it("refuses one byte over the cap, counted in bytes not characters", async () => {
    const { request } = streamed([bytes("€€"), bytes("a")]); // 3 characters, 7 bytes
    expect(await refusal(readBodyBytes(request, 6))).toBe("payload_too_large");
  });

  it("stops pulling once the cap is passed", async () => {
    const chunks = Array.from({ length: 100 }, () => bytes("x".repeat(10)));
    const { request, counter } = streamed(chunks);
    expect(await refusal(readBodyBytes(request, 25))).toBe("payload_too_large");
    expect(counter.pulls).toBeLessThanOrEqual(4);
  });

  it("refuses a declared Content-Length over the cap without reading", async () => {
    const { request, counter } = streamed([bytes("{}")], { "Content-Length": "1000" });
    expect(await refusal(readBodyBytes(request, 10))).toBe("payload_too_large");
    expect(counter.pulls).toBeLessThanOrEqual(1); // at most the stream's own start-up pull, never read by us
  });

  it("reads an empty body as no bytes", async () => {
    expect(await readBodyBytes(new Request("https://x.localhost/", { method: "POST" }), 10)).toHaveLength(0);
  });
});

describe("readJsonCapped", () => {
  it.each([
    ["not JSON", bytes("{nope")],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ])("refuses %s as invalid_request", async (_, body) => {
    expect(await refusal(readJsonCapped(streamed([body]).request, 100))).toBe("invalid_request");
  });

  it("parses UTF-8 JSON under the cap", async () => {
    expect(await readJsonCapped(streamed([bytes('{"a":"€"}')]).request, 100)).toEqual({ a: "€" });
  });
});
