import { createMiddleware } from "hono/factory";
import { apiKeyLookupIndex, apiKeyPrefix } from "../auth/api-key-format";
import { hashSecret } from "../auth/argon2";
import { stringsEqual } from "../auth/constant-time";
import { toHex } from "../auth/hex";
import { readBearer } from "../auth/jwt-verify";
import { database } from "../db/client";
import { findActiveAdminCredential, type NewAdminCredential } from "../db/admin-credentials";
import { newId } from "../db/ids";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { Actor, ControlPlaneEnv } from "../http/app-env";
import { secretMatches } from "./credential-check";

export const ADMIN_CREDENTIAL_PREFIX = "tg_admin_";
const ADMIN_CREDENTIAL = /^tg_admin_[0-9a-f]{32}$/;

/**
 * Control-plane authentication: the operator's bootstrap secret, or a tenant admin credential. Either way the
 * caller ends up as `c.get("actor")`; handlers scope every read and write by it.
 */
export function authenticateActor() {
  return createMiddleware<ControlPlaneEnv>(async function authenticateActor(c, next) {
    const bearer = readBearer(c.req.header("Authorization"));
    if (!bearer)
      throw new GatewayError(
        "missing_credentials",
        "Send the operator token or a tenant admin credential as a Bearer token.",
      );
    c.set("actor", await resolveActor(c.env, bearer));
    await next();
  });
}

async function resolveActor(env: Env, bearer: string): Promise<Actor> {
  const config = loadConfig(env);
  // Constant-time: the operator token is a long-lived secret compared on every call.
  if (stringsEqual(bearer, config.OPERATOR_TOKEN)) return { kind: "operator", id: "operator" };
  if (ADMIN_CREDENTIAL.test(bearer)) {
    const lookupIndex = await apiKeyLookupIndex(bearer);
    const credential = await findActiveAdminCredential(database(env), lookupIndex);
    if (credential && (await secretMatches(bearer, lookupIndex, credential.hash))) {
      return { kind: "tenant_admin", id: credential.id, tenantId: credential.tenantId };
    }
  }
  throw new GatewayError("invalid_api_key", "The credential is not valid.");
}

/** The tenant an actor is confined to; undefined for the operator, who sees all tenants. */
export function tenantScope(actor: Actor): string | undefined {
  return actor.kind === "tenant_admin" ? actor.tenantId : undefined;
}

export function requireOperator(actor: Actor): void {
  if (actor.kind !== "operator") throw new GatewayError("forbidden", "Only the operator may do this.");
}

export function generateAdminCredential(): string {
  return ADMIN_CREDENTIAL_PREFIX + toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** A fresh credential and the row that stores it: Argon2id hash, SHA-256 lookup index, display prefix. */
export async function newAdminCredentialRow(tenantId: string): Promise<{ row: NewAdminCredential; plaintext: string }> {
  const plaintext = generateAdminCredential();
  const row: NewAdminCredential = {
    id: newId("adm"),
    tenantId,
    lookupIndex: await apiKeyLookupIndex(plaintext),
    hash: await hashSecret(plaintext),
    prefix: apiKeyPrefix(plaintext),
    createdAt: Date.now(),
  };
  return { row, plaintext };
}
