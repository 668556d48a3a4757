import { createMiddleware } from "hono/factory";
import type { DataPlaneEnv } from "../../http/app-env";
import { ChatRequest } from "../../providers/openai-schema";
import { readJsonBody, validated } from "../chat-request";
import { ResponsesRequest } from "./request";
import { responsesToChat } from "./to-chat";

/** The parse step of `POST /v1/responses`: the body validated as Responses, then run as the chat request. */
export function parseResponsesRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseResponsesRequest(c, next) {
    const request = validated(ResponsesRequest, await readJsonBody(c));
    c.set("chat", validated(ChatRequest, responsesToChat(request)));
    await next();
  });
}
