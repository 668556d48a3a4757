import { createMiddleware } from "hono/factory";
import { readBearer, readToken } from "../auth/jwt-verify";
import { verifyProjectJwtOnce } from "../auth/verified-tokens";
import { loadSigningKeys } from "../auth/signing-keys";
import { loadConfig } from "../env";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";

const DENIAL_MESSAGES = {
  invalid_token: "The bearer token is not a valid Tollgate JWT.",
  token_expired: "The token has expired; mint a new one.",
  wrong_project: "This token was minted for another project.",
} as const;

/**
 * Verifies the end user's JWT (signature, iss, aud, exp/nbf with a small skew) and that its `pid` is the
 * project of the Host. Handlers after this see only `c.get("claims")`. A token verified before in this isolate
 * skips the signature check (verified-tokens.ts) but never the time and project checks.
 *
 * `keyHeader`: a second header the token may come in, for an API whose SDK sends its key there (Anthropic's
 * `x-api-key`). `Authorization` wins whenever it is present, even malformed, so one request never has two
 * candidate tokens; the token is verified exactly the same way whichever header carried it.
 */
export function authenticateUser(options: { keyHeader?: string | undefined } = {}) {
  const { keyHeader } = options;
  const missing = keyHeader
    ? `Send a Tollgate JWT as a Bearer token or in the ${keyHeader} header.`
    : "Send a Tollgate JWT as a Bearer token.";
  return createMiddleware<DataPlaneEnv>(async function authenticateUser(c, next) {
    const authorization = c.req.header("Authorization");
    const token =
      authorization === undefined && keyHeader ? readToken(c.req.header(keyHeader)) : readBearer(authorization);
    if (!token) throw new GatewayError("missing_credentials", missing);
    const config = loadConfig(c.env);
    const result = await verifyProjectJwtOnce(token, {
      keys: await loadSigningKeys(config.JWT_SIGNING_KEYS),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      projectId: c.get("project").id,
    });
    if (!result.ok) throw new GatewayError(result.code, DENIAL_MESSAGES[result.code]);
    c.set("claims", result.claims);
    await next();
  });
}
