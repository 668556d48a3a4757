import { createMiddleware } from "hono/factory";
import type { DataPlaneEnv } from "../../http/app-env";
import { ChatRequest } from "../../providers/openai-schema";
import { readJsonBody, validated } from "../chat-request";
import { MessagesRequest } from "./request";
import { messagesToChat } from "./to-chat";

/** The parse step of `POST /v1/messages`: the body validated as Anthropic Messages, then run as the chat request. */
export function parseMessagesRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseMessagesRequest(c, next) {
    const request = validated(MessagesRequest, await readJsonBody(c));
    c.set("chat", validated(ChatRequest, messagesToChat(request)));
    await next();
  });
}
