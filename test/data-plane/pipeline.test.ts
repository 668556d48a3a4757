import { describe, expect, it } from "vitest";
import { entryChecks, inferencePipeline, routePipeline } from "../../src/data-plane/pipeline";

describe("the data-plane pipeline", () => {
  it("runs the checks in SPEC order", () => {
    expect(inferencePipeline().map((step) => step.name)).toEqual([
      "limitPerIp", // per-IP safety net, before anything costs work
      "resolveProject", // project from Host
      "projectCors", // CORS (preflights end here)
      "authenticateUser", // JWT: signature, iss, aud, time, pid = host's project
      "parseChatRequest", // the body, needed for the reservation
      "admitRequest", // kill switches → revocation → RPM → budgets, one Durable Object call
      "enforceOrigin", // live CORS allowlist
      "checkModelAllowed", // model allowlist
      "runSentinel", // prompt injection
      "shieldPii", // PII
      "injectContext", // memory, system prompt
      "awaitIpCheck", // the shared per-IP verdict started at entry, awaited before the provider call
      "lookupCache", // response cache: after everything that shapes the request, before the provider
    ]);
  });

  it.each([
    ["responses", "parseResponsesRequest"],
    ["messages", "parseMessagesRequest"],
  ] as const)("gives the %s API the same steps, with its own parse step in the chat one's place", (api, parse) => {
    const chat = inferencePipeline().map((step) => step.name);
    const other = inferencePipeline(api).map((step) => step.name);
    expect(other).toEqual(chat.map((name) => (name === "parseChatRequest" ? parse : name)));
  });

  it("gives embeddings the same checks minus Sentinel and context (no model follows the text), response cache included", () => {
    const chat = inferencePipeline().map((step) => step.name);
    const embeddings = inferencePipeline("embeddings").map((step) => step.name);
    expect(embeddings).toEqual(
      chat
        .filter((name) => !["runSentinel", "injectContext"].includes(name))
        .map((name) => (name === "parseChatRequest" ? "parseEmbeddingsRequest" : name)),
    );
  });

  it("admits the routes that call no provider at the gate, then re-checks the live origin", () => {
    expect(routePipeline().map((step) => step.name)).toEqual([
      ...entryChecks().map((step) => step.name),
      "admitRoute",
      "enforceOrigin",
      "awaitIpCheck", // the shared per-IP verdict, before the route answers
    ]);
  });

  it("gives every route the entry checks first", () => {
    expect(entryChecks().map((step) => step.name)).toEqual([
      "limitPerIp",
      "resolveProject",
      "projectCors",
      "authenticateUser",
    ]);
  });
});
