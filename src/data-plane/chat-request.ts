import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { readJsonCapped } from "../http/body-limit";
import { ChatRequest } from "../providers/openai-schema";

/** Bodies above this many bytes are refused while reading; a chat request with long context is well under it. */
export const MAX_CHAT_BODY_BYTES = 4 * 1024 * 1024;

/** Parses the OpenAI chat body with zod; bad input is a 400 `invalid_request` naming the field, nothing else happens. */
export function parseChatRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseChatRequest(c, next) {
    c.set("chat", validated(ChatRequest, await readJsonBody(c)));
    await next();
  });
}

/** The request body as JSON: 413 once more than the cap is read (src/http/body-limit.ts), 400 when it is not JSON. */
export function readJsonBody(c: Context<DataPlaneEnv>): Promise<unknown> {
  return readJsonCapped(c.req.raw, MAX_CHAT_BODY_BYTES);
}

/** `json` parsed by `schema`, or a 400 `invalid_request` whose `param` is the path of the first bad field. */
export function validated<Schema extends z.ZodType>(schema: Schema, json: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.join(".") || null;
  throw new GatewayError(
    "invalid_request",
    `Invalid request${param ? ` at '${param}'` : ""}: ${issue?.message ?? "invalid body"}.`,
    param ? { param } : {},
  );
}
