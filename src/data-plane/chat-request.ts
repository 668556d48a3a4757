import { createMiddleware } from "hono/factory";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { ChatRequest } from "../providers/openai-schema";

/** Bodies above this are refused before parsing; a chat request with long context is well under it. */
export const MAX_CHAT_BODY_BYTES = 4 * 1024 * 1024;

/** Parses the OpenAI chat body with zod; bad input is a 400 `invalid_request` naming the field, nothing else happens. */
export function parseChatRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseChatRequest(c, next) {
    const declared = Number(c.req.header("Content-Length") ?? "0");
    if (declared > MAX_CHAT_BODY_BYTES) throw new GatewayError("payload_too_large", "The request body is too large.");
    const text = await c.req.text();
    if (text.length > MAX_CHAT_BODY_BYTES)
      throw new GatewayError("payload_too_large", "The request body is too large.");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayError("invalid_request", "The request body is not valid JSON.");
    }
    const parsed = ChatRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.join(".") || null;
      throw new GatewayError(
        "invalid_request",
        `Invalid request${param ? ` at '${param}'` : ""}: ${issue.message}.`,
        param ? { param } : {},
      );
    }
    c.set("chat", parsed.data);
    await next();
  });
}
