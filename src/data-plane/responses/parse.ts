import { createMiddleware } from "hono/factory";
import type { DataPlaneEnv } from "../../http/app-env";
import { ChatRequest } from "../../providers/openai-schema";
import { readJsonBody, validated } from "../chat-request";
import { ResponsesRequest } from "./request";
import { loadStoredResponse } from "./store";
import { responsesToChat } from "./to-chat";

/**
 * The parse step of `POST /v1/responses`: the body validated as Responses, then run as the chat request.
 * `previous_response_id` is resolved here, before admission, so the earlier conversation's tokens are in the
 * estimate admission reserves; only the calling user's own stored responses in this project can be named.
 */
export function parseResponsesRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseResponsesRequest(c, next) {
    const request = validated(ResponsesRequest, await readJsonBody(c));
    const chat = responsesToChat(request);
    const instructionMessages = request.instructions ? 1 : 0;
    const previousResponseId = request.previous_response_id ?? null;
    if (previousResponseId) {
      const owner = { projectId: c.var.project.id, uid: c.var.claims.uid };
      const previous = await loadStoredResponse(c.env, owner, previousResponseId, "previous_response_id");
      // The earlier instructions are not carried over (as OpenAI does): only this request's come first.
      chat.messages.splice(instructionMessages, 0, ...previous.conversation);
    }
    c.set("chat", validated(ChatRequest, chat));
    // Stored unless asked not to, as OpenAI does (docs/providers.md, "Stored responses").
    c.set("responses", { store: request.store !== false, previousResponseId, instructionMessages });
    await next();
  });
}
