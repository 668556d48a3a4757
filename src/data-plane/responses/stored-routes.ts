import type { Context } from "hono";
import { GatewayError } from "../../errors";
import type { DataPlaneEnv } from "../../http/app-env";
import { ResponseId } from "./request";
import { deleteStoredResponse, loadStoredResponse, type ResponseOwner } from "./store";

/**
 * `GET` / `DELETE /v1/responses/:id` for the calling user only: the store is chosen by the host's project and
 * the JWT's `uid`, so another user's or another project's response id answers 404 `not_found`, exactly like
 * one that never existed.
 */
export async function readStoredResponse(c: Context<DataPlaneEnv>): Promise<Response> {
  const stored = await loadStoredResponse(c.env, ownerOf(c), responseIdParam(c));
  return c.json(stored.response);
}

export async function deleteResponse(c: Context<DataPlaneEnv>): Promise<Response> {
  const id = responseIdParam(c);
  await deleteStoredResponse(c.env, ownerOf(c), id);
  return c.json({ id, object: "response", deleted: true });
}

const ownerOf = (c: Context<DataPlaneEnv>): ResponseOwner => ({ projectId: c.var.project.id, uid: c.var.claims.uid });

function responseIdParam(c: Context<DataPlaneEnv>): string {
  const id = ResponseId.safeParse(c.req.param("id"));
  if (!id.success) throw new GatewayError("not_found", "No stored response with that id.");
  return id.data;
}
