import type { MiddlewareHandler } from "hono";
import type { DataPlaneEnv } from "../http/app-env";
import { enforceOrigin, projectCors } from "../http/cors";
import { awaitIpCheck, limitPerIp } from "../http/ip-limit";
import { resolveProject } from "../routing/resolve-project";
import { admitRequest } from "./admission";
import { authenticateUser } from "./authenticate";
import { parseChatRequest } from "./chat-request";
import { lookupCache } from "./cache-step";
import { injectContext } from "./context-step";
import { checkModelAllowed, runSentinel, shieldPii } from "./guardrail-steps";
import { parseEmbeddingsRequest } from "./embeddings/parse";
import { parseMessagesRequest } from "./messages/parse";
import { parseResponsesRequest } from "./responses/parse";
import { admitRoute } from "./route-admission";

/**
 * The APIs served over the chat pipeline: each parses its own body into the chat request, the rest is
 * shared. `generates` is false for embeddings: no instruction-following model reads the text (so Sentinel,
 * memory and the system prompt do not apply, see docs/providers.md) and no answer text comes back to
 * restore masked PII into.
 */
const APIS = {
  chat: { parse: parseChatRequest, generates: true },
  responses: { parse: parseResponsesRequest, generates: true },
  messages: { parse: parseMessagesRequest, generates: true },
  embeddings: { parse: parseEmbeddingsRequest, generates: false },
} as const;
export type InferenceApi = keyof typeof APIS;

/** Where an API's own SDK sends the key when not as `Authorization: Bearer` (Anthropic's sends `x-api-key`). */
const KEY_HEADERS: Partial<Record<InferenceApi, string>> = { messages: "x-api-key" };

/**
 * The SPEC order of checks, decided here and nowhere else (test/data-plane/pipeline.test.ts asserts it).
 * Every data-plane request passes `entryChecks`; every route then admits at the gate, an inference request
 * with its reservation and the guardrails up to the handler.
 * The body is parsed right after authentication because admission reserves from its token estimate.
 */
export function entryChecks(api?: InferenceApi): MiddlewareHandler<DataPlaneEnv>[] {
  const keyHeader = api ? KEY_HEADERS[api] : undefined;
  return [limitPerIp(), resolveProject(), projectCors(), authenticateUser({ keyHeader })];
}

/** The routes that call no provider (models, memory): admitted like chat, nothing reserved (route-admission.ts). */
export function routePipeline(): MiddlewareHandler<DataPlaneEnv>[] {
  return [...entryChecks(), admitRoute(), enforceOrigin(), awaitIpCheck()];
}

export function inferencePipeline(api: InferenceApi = "chat"): MiddlewareHandler<DataPlaneEnv>[] {
  const { parse, generates } = APIS[api];
  return [
    ...entryChecks(api),
    parse(),
    admitRequest({ cached: true }), // kill switches → revocation → project RPM → user RPM → token and dollar budgets
    enforceOrigin(), // the live CORS allowlist returned by admission
    checkModelAllowed(),
    ...(generates ? [runSentinel()] : []),
    shieldPii({ restorable: generates }),
    ...(generates ? [injectContext()] : []), // memory, then the system prompt first
    awaitIpCheck(), // the shared per-IP verdict (Redis), started at entry: its round trip overlapped the steps above
    lookupCache(), // the request as the provider would see it; a hit answers here (embeddings too: docs/cache.md)
  ];
}
