import { createMiddleware } from "hono/factory";
import { GatewayError } from "../../errors";
import type { DataPlaneEnv } from "../../http/app-env";
import { readJsonBody, validated } from "../chat-request";
import { isDefaultAlias } from "../model-policy";
import { EmbeddingsRequest, inputTexts, isTokenInput } from "./request";

/**
 * The parse step of `POST /v1/embeddings`. Besides the request itself it sets the chat view the shared
 * steps read: one user message per input (admission estimates and reserves from it — the input only, see
 * AdmitInput.embedding — PII Shield rewrites it, the handler embeds what it holds afterwards).
 */
export function parseEmbeddingsRequest() {
  return createMiddleware<DataPlaneEnv>(async function parseEmbeddingsRequest(c, next) {
    const body = await readJsonBody(c);
    if (typeof body === "object" && body !== null && "input" in body && isTokenInput(body.input))
      throw new GatewayError("invalid_request", "Token arrays are not accepted as 'input': send the text instead.", {
        param: "input",
      });
    const request = validated(EmbeddingsRequest, body);
    // The project's model is a chat model: an embedding has to name its own.
    if (isDefaultAlias(request.model))
      throw new GatewayError(
        "invalid_request",
        "Name an embedding model in 'model', for example 'openai/text-embedding-3-small'.",
        { param: "model" },
      );
    c.set("embeddings", request);
    c.set("chat", {
      model: request.model,
      messages: inputTexts(request).map((content) => ({ role: "user" as const, content })),
    });
    await next();
  });
}
