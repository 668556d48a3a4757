import type { MiddlewareHandler } from "hono";
import type { DataPlaneEnv } from "../http/app-env";
import { enforceOrigin, projectCors } from "../http/cors";
import { limitPerIp } from "../http/ip-limit";
import { resolveProject } from "../routing/resolve-project";
import { admitRequest } from "./admission";
import { authenticateUser } from "./authenticate";
import { parseChatRequest } from "./chat-request";
import { injectContext } from "./context-step";
import { checkModelAllowed, runSentinel, shieldPii } from "./guardrail-steps";
import { parseResponsesRequest } from "./responses/parse";

/** The APIs served over the chat pipeline: each parses its own body into the chat request, the rest is shared. */
const PARSE_STEPS = { chat: parseChatRequest, responses: parseResponsesRequest } as const;
export type InferenceApi = keyof typeof PARSE_STEPS;

/**
 * The SPEC order of checks, decided here and nowhere else (test/data-plane/pipeline.test.ts asserts it).
 * Every data-plane request passes `entryChecks`; an inference request then the rest, up to the handler.
 * The body is parsed right after authentication because admission reserves from its token estimate.
 */
export function entryChecks(): MiddlewareHandler<DataPlaneEnv>[] {
  return [limitPerIp(), resolveProject(), projectCors(), authenticateUser()];
}

export function inferencePipeline(api: InferenceApi = "chat"): MiddlewareHandler<DataPlaneEnv>[] {
  return [
    ...entryChecks(),
    PARSE_STEPS[api](),
    admitRequest(), // kill switches → revocation → project RPM → user RPM → token and dollar budgets
    enforceOrigin(), // the live CORS allowlist returned by admission
    checkModelAllowed(),
    runSentinel(),
    shieldPii(),
    injectContext(), // memory, then the system prompt first
  ];
}
