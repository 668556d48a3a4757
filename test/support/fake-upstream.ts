import { vi } from "vitest";

export interface UpstreamCall {
  url: string;
  authorization: string;
}

/**
 * Stands in for OpenAI-compatible upstreams at the given base URLs: a GET (the BYOK key check lists
 * models) gets an empty list, anything else a small chat completion, and every such call's URL and
 * Authorization header is recorded in the returned array. Other URLs reach the real fetch. Undo with
 * `vi.restoreAllMocks()`.
 */
export function interceptOpenAiUpstream(...baseUrls: string[]): UpstreamCall[] {
  const calls: UpstreamCall[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!baseUrls.some((base) => request.url.startsWith(base))) return realFetch(input, init);
    if (request.method === "GET") return Response.json({ object: "list", data: [] });
    calls.push({ url: request.url, authorization: request.headers.get("authorization") ?? "" });
    return Response.json({
      id: "chatcmpl-up",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    });
  });
  return calls;
}

/** The Authorization header of each recorded call, in order. */
export const authorizations = (calls: readonly UpstreamCall[]) => calls.map((c) => c.authorization);
