import { z } from "@hono/zod-openapi";
import { EmbeddingsRequest } from "../data-plane/embeddings/request";
import { MessagesRequest } from "../data-plane/messages/request";
import { ResponsesRequest } from "../data-plane/responses/request";
import { ChatCompletion, ChatRequest } from "../providers/openai-schema";
import { ErrorBody, jsonResponse, taggedRoute } from "./schemas";

/**
 * The data plane in the same OpenAPI document as the control plane: these endpoints answer on a project's
 * hostname (not the API host), so each operation names that server. Request bodies are the very zod schemas the
 * routes validate with; answers are described by hand where the gateway renders them (kept short: the OpenAI
 * and Anthropic references are the full story, docs/providers.md lists what is not supported).
 */
const projectServer = [
  {
    url: "https://{slug}.{domain}",
    description: "The project's hostname (locally http://{slug}.localhost:8787, or http://127.0.0.1:8787/p/{slug})",
    variables: { slug: { default: "amber-fox-042" }, domain: { default: "tollgate.example" } },
  },
];

const route = taggedRoute("data plane (project hostname)");
const Id = z.object({ id: z.string() });
const Session = z.object({ session: z.string().min(1).max(128) });

const inferenceErrors = {
  400: jsonResponse(ErrorBody, "Invalid request, or refused by a guardrail (prompt_injection_detected, pii_detected)"),
  401: jsonResponse(ErrorBody, "Missing or invalid end-user JWT"),
  403: jsonResponse(ErrorBody, "Token for another project, origin not allowed, model not allowed"),
  429: jsonResponse(ErrorBody, "Rate limit or budget exceeded (Retry-After)"),
  502: jsonResponse(ErrorBody, "Provider error"),
  503: jsonResponse(ErrorBody, "Kill switch on, or a store unavailable"),
} as const;

const entryErrors = {
  401: inferenceErrors[401],
  403: inferenceErrors[403],
  404: jsonResponse(ErrorBody, "Not found (or not this user's)"),
} as const;

const sse = (description: string) => ({ "text/event-stream": { schema: z.string(), description } });

const ResponseObject = z
  .object({
    id: z.string(),
    object: z.literal("response"),
    created_at: z.number().int(),
    status: z.enum(["completed", "incomplete", "in_progress"]),
    model: z.string(),
    output: z.array(z.record(z.string(), z.unknown())),
    output_text: z.string(),
    store: z.boolean(),
    previous_response_id: z.string().nullable(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() }).nullable(),
  })
  .openapi("Response");

export const dataPlaneDocs = [
  route({
    method: "post",
    path: "/v1/chat/completions",
    summary: "Chat completion (OpenAI), streamed with stream: true",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { body: { content: { "application/json": { schema: ChatRequest } }, required: true } },
    responses: {
      200: {
        description: "The completion, or chat.completion.chunk events ending in data: [DONE]",
        content: { "application/json": { schema: ChatCompletion }, ...sse("chat.completion.chunk events") },
      },
      ...inferenceErrors,
    },
  }),
  route({
    method: "post",
    path: "/v1/responses",
    summary: "Create a response (OpenAI Responses API), streamed with stream: true; stored unless store: false",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { body: { content: { "application/json": { schema: ResponsesRequest } }, required: true } },
    responses: {
      200: {
        description: "The Response object, or the Responses event stream (response.created … response.completed)",
        content: { "application/json": { schema: ResponseObject }, ...sse("Responses API events") },
      },
      404: jsonResponse(ErrorBody, "previous_response_id not found (or not this user's)"),
      ...inferenceErrors,
    },
  }),
  route({
    method: "get",
    path: "/v1/responses/{id}",
    summary: "A stored response of the calling user (masked form under PII masking)",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { params: Id },
    responses: { 200: jsonResponse(ResponseObject, "The stored Response object"), ...entryErrors },
  }),
  route({
    method: "delete",
    path: "/v1/responses/{id}",
    summary: "Delete a stored response of the calling user",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { params: Id },
    responses: {
      200: jsonResponse(
        z.object({ id: z.string(), object: z.literal("response"), deleted: z.literal(true) }),
        "Deleted",
      ),
      ...entryErrors,
    },
  }),
  route({
    method: "post",
    path: "/v1/messages",
    summary: "Create a message (Anthropic Messages API) on any provider; the JWT as Bearer or x-api-key",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { body: { content: { "application/json": { schema: MessagesRequest } }, required: true } },
    responses: {
      200: {
        description: "The Message, or Anthropic's event stream (message_start … message_stop)",
        content: {
          "application/json": { schema: z.object({ id: z.string(), type: z.literal("message") }).passthrough() },
          ...sse("Anthropic Messages events"),
        },
      },
      ...inferenceErrors,
    },
  }),
  route({
    method: "post",
    path: "/v1/embeddings",
    summary: "Create embeddings (OpenAI), batch input",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { body: { content: { "application/json": { schema: EmbeddingsRequest } }, required: true } },
    responses: {
      200: jsonResponse(
        z.object({ object: z.literal("list"), data: z.array(z.record(z.string(), z.unknown())), model: z.string() }),
        "The embeddings",
      ),
      ...inferenceErrors,
    },
  }),
  route({
    method: "get",
    path: "/v1/models",
    summary: "The models this project's users may call, and who pays for each",
    servers: projectServer,
    security: [{ bearer: [] }],
    responses: {
      200: jsonResponse(
        z.object({ object: z.literal("list"), data: z.array(z.record(z.string(), z.unknown())) }),
        "Models",
      ),
      ...entryErrors,
    },
  }),
  route({
    method: "get",
    path: "/v1/memory/{session}",
    summary: "The calling user's remembered turns of a session (X-Session-Id)",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { params: Session },
    responses: {
      200: jsonResponse(
        z.object({
          object: z.literal("memory"),
          session: z.string(),
          messages: z.array(z.record(z.string(), z.unknown())),
        }),
        "The session's memory",
      ),
      ...entryErrors,
    },
  }),
  route({
    method: "delete",
    path: "/v1/memory/{session}",
    summary: "Forget a session of the calling user",
    servers: projectServer,
    security: [{ bearer: [] }],
    request: { params: Session },
    responses: {
      200: jsonResponse(
        z.object({ object: z.literal("memory.deleted"), session: z.string(), deleted: z.literal(true) }),
        "Forgotten",
      ),
      ...entryErrors,
    },
  }),
];
