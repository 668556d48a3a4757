import { createRoute, z } from "@hono/zod-openapi";
import { apiKeyLookupIndex, parseApiKey } from "../auth/api-key-format";
import { mintProjectJwt, MintRequest } from "../auth/jwt-mint";
import { readBearer } from "../auth/jwt-verify";
import { loadSigningKeys } from "../auth/signing-keys";
import { findApiKeyByLookup, type ApiKeyRow } from "../db/api-keys";
import { database } from "../db/client";
import { findProject, listTiers } from "../db/projects";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { ControlPlaneEnv } from "../http/app-env";
import { secretMatches } from "./credential-check";
import { controlRouter } from "./openapi-app";
import { commonErrors, jsonBody, jsonResponse } from "./schemas";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { projectForRequest } from "../routing/resolve-project";
import { mayHoldTrustedSystem, TRUSTED_SYSTEM_SCOPE } from "../guardrails/trust";

const MintResponse = z
  .object({ token: z.string(), token_type: z.literal("Bearer"), expires_at: z.string(), expires_in: z.number() })
  .openapi("MintedToken");

const mintRoute = createRoute({
  method: "post",
  path: "/auth/v1/auth/mint",
  tags: ["auth"],
  summary: "Exchange a project API key (Bearer) for a short-lived RS256 JWT for one end user",
  request: jsonBody(MintRequest),
  responses: { 200: jsonResponse(MintResponse, "A JWT for the data plane"), ...commonErrors },
});

/** Roles a key may mint: its own, or any when the key's role is `admin`. */
function mayMintRole(keyRole: string, requested: string): boolean {
  return requested === keyRole || keyRole === "admin";
}

/**
 * Mint is reachable without a control-plane actor (the API key is the credential), on the API host and on
 * project hosts; on a project host the key must belong to that host's project.
 */
export function mintRoutes() {
  const app: OpenAPIHono<ControlPlaneEnv> = controlRouter();
  app.openapi(mintRoute, async (c) => {
    const key = await authenticateApiKey(c.env, c.req.header("Authorization"));
    const hostProject = await projectForRequest(c.env, c.req.raw);
    if (hostProject && hostProject.id !== key.projectId)
      throw new GatewayError("wrong_project", "This API key belongs to another project.");
    const project = await findProject(database(c.env), key.projectId);
    if (!project) throw new GatewayError("invalid_api_key", "The API key is not valid.");
    if (project.status === "suspended") throw new GatewayError("project_suspended", "The project is suspended.");

    const body = c.req.valid("json");
    const role = body.role ?? key.role;
    if (!mayMintRole(key.role, role))
      throw new GatewayError("forbidden", `This key may not mint role '${role}'.`, { param: "role" });
    if (body.scopes?.includes(TRUSTED_SYSTEM_SCOPE) && !mayHoldTrustedSystem(role)) {
      // A browser's token must never switch the guardrails off its own system messages.
      throw new GatewayError("forbidden", `Only an admin or service token may hold scope '${TRUSTED_SYSTEM_SCOPE}'.`, {
        param: "scopes",
      });
    }
    if (
      body.tier !== undefined &&
      !(await listTiers(database(c.env), project.id)).some((tier) => tier.name === body.tier)
    ) {
      throw new GatewayError("invalid_request", `Unknown tier '${body.tier}'.`, { param: "tier" });
    }

    const config = loadConfig(c.env);
    const minted = await mintProjectJwt({
      keys: await loadSigningKeys(config.JWT_SIGNING_KEYS),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: body.ttl_seconds,
      claims: {
        tid: project.tenantId,
        pid: project.id,
        uid: body.user_id,
        role,
        scp: body.scopes ?? [],
        tier: body.tier,
        akid: key.id,
      },
    });
    return c.json(
      {
        token: minted.token,
        token_type: "Bearer" as const,
        expires_at: new Date(minted.expiresAt * 1000).toISOString(),
        expires_in: body.ttl_seconds,
      },
      200,
    );
  });
  return app;
}

async function authenticateApiKey(env: Env, authorization: string | undefined): Promise<ApiKeyRow> {
  const bearer = readBearer(authorization);
  if (!bearer) throw new GatewayError("missing_credentials", "Send the project API key as a Bearer token.");
  const key = parseApiKey(bearer);
  if (!key) throw new GatewayError("invalid_api_key", "The API key is not valid.");
  const lookupIndex = await apiKeyLookupIndex(key);
  const row = await findApiKeyByLookup(database(env), lookupIndex);
  // Revoked keys read like unknown ones: 401 either way, checked before the (cached) hash comparison.
  if (!row || row.revokedAt !== null || !(await secretMatches(key, lookupIndex, row.hash))) {
    throw new GatewayError("invalid_api_key", "The API key is not valid.");
  }
  return row;
}
