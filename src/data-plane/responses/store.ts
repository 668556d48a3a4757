import { GatewayError } from "../../errors";
import { StoredResponse } from "./stored-record";

const DAY_MS = 86_400_000;
/** Under the Durable Object SQLite value limit (2 MB) with room to spare; larger responses are not kept. */
const MAX_STORED_BYTES = 1_500_000;

export interface ResponseOwner {
  projectId: string;
  /** The JWT `uid`: never taken from the request body. */
  uid: string;
}

/**
 * `tg:resp:v1:{projectId}:{uid}`, components percent-encoded (`:` escaped), so no (project, uid) pair can
 * name another's object: the scoping of stored responses is the object they live in.
 */
export function storedResponsesKey(owner: ResponseOwner): string {
  return `tg:resp:v1:${encodeURIComponent(owner.projectId)}:${encodeURIComponent(owner.uid)}`;
}

const objectOf = (env: Pick<Env, "STORED_RESPONSES">, owner: ResponseOwner) =>
  env.STORED_RESPONSES.get(env.STORED_RESPONSES.idFromName(storedResponsesKey(owner)));

/** The stored response, or 404 `not_found` for an id this user of this project does not have (or no longer has). */
export async function loadStoredResponse(
  env: Pick<Env, "STORED_RESPONSES">,
  owner: ResponseOwner,
  id: string,
  param?: string,
): Promise<StoredResponse> {
  const body = await objectOf(env, owner).get(id);
  const parsed = body === null ? null : StoredResponse.safeParse(JSON.parse(body));
  if (!parsed?.success)
    throw new GatewayError("not_found", `No stored response with id '${id}'.`, param ? { param } : {});
  return parsed.data;
}

/** Keeps a response for `retentionDays`; false when it is too large to keep. */
export async function saveStoredResponse(
  env: Pick<Env, "STORED_RESPONSES">,
  owner: ResponseOwner,
  id: string,
  record: StoredResponse,
  retentionDays: number,
): Promise<boolean> {
  const body = JSON.stringify(record);
  if (body.length > MAX_STORED_BYTES) return false;
  await objectOf(env, owner).put(id, body, Date.now() + retentionDays * DAY_MS);
  return true;
}

export async function deleteStoredResponse(
  env: Pick<Env, "STORED_RESPONSES">,
  owner: ResponseOwner,
  id: string,
): Promise<void> {
  if (!(await objectOf(env, owner).delete(id)))
    throw new GatewayError("not_found", `No stored response with id '${id}'.`);
}
