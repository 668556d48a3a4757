import type { Context } from "hono";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { createMemoryStore, memoryKey, SessionId } from "../memory";

/**
 * `GET` / `DELETE /v1/memory/:session` for the calling user only: the key is built from the host's project
 * and the JWT's `uid`, so another user's or project's session reads exactly like an empty one.
 */
export async function readMemory(c: Context<DataPlaneEnv>): Promise<Response> {
  const key = sessionKey(c);
  const messages = await createMemoryStore(c.env).load(key);
  return c.json({ object: "memory", session: c.req.param("session"), messages });
}

export async function clearMemory(c: Context<DataPlaneEnv>): Promise<Response> {
  await createMemoryStore(c.env).clear(sessionKey(c));
  return c.json({ object: "memory.deleted", session: c.req.param("session"), deleted: true });
}

function sessionKey(c: Context<DataPlaneEnv>): string {
  const session = SessionId.safeParse(c.req.param("session"));
  if (!session.success)
    throw new GatewayError("invalid_request", "The session id must be 1-128 printable ASCII characters.", {
      param: "session",
    });
  return memoryKey({ projectId: c.get("project").id, uid: c.get("claims").uid, session: session.data });
}
