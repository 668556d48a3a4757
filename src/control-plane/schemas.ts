import { createRoute, z } from "@hono/zod-openapi";

/** Shapes shared by several control-plane routes, as they appear in the OpenAPI document. */
export const ErrorBody = z
  .object({
    error: z.object({ message: z.string(), type: z.string(), code: z.string(), param: z.string().nullable() }),
  })
  .openapi("Error");

export const IdParam = z.object({ id: z.string().min(1).max(64) });

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** `createRoute` with every route of a module under one tag in the OpenAPI document. */
export const taggedRoute =
  (tag: string) =>
  <T extends Parameters<typeof createRoute>[0]>(spec: T) =>
    createRoute({ tags: [tag], ...spec });

/** Error responses every authenticated route can give. */
export const commonErrors = {
  400: jsonResponse(ErrorBody, "Invalid request"),
  401: jsonResponse(ErrorBody, "Missing or invalid credential"),
  403: jsonResponse(ErrorBody, "Not permitted"),
  404: jsonResponse(ErrorBody, "Not found (or not yours)"),
} as const;
