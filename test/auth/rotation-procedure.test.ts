import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { addSigningKey, generateSigningJwk } from "../../src/secrets/generate";
import { API, projectUrl, setupProject } from "../support/control-plane";

/**
 * The JWT key rotation of docs/deployment.md §10, run through the Worker: the secret is replaced by what
 * `generate-secrets --add-signing-key` prints, and the gateway is called with it as after `wrangler secret put`.
 * Tokens minted before the rotation keep working on the data plane; tokens minted after carry the new kid.
 */
let setup: Awaited<ReturnType<typeof setupProject>>;
let newKid: string;
let rotatedEnv: Env;

/** The reply fields these tests read: a JWKS, a minted token or an error. */
interface Reply {
  keys: { kid: string }[];
  token: string;
  error: { code: string };
}

async function call(target: Env, url: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(url, init) as Request<unknown, IncomingRequestCfProperties>,
    target,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, json: (await response.json()) as Reply };
}

const kidOf = (token: string): string =>
  JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).kid;
const models = (target: Env, token: string) =>
  call(target, projectUrl(setup.project.slug, "/v1/models"), { headers: { Authorization: `Bearer ${token}` } });
const mint = (target: Env) =>
  call(target, `${API}/auth/v1/auth/mint`, {
    method: "POST",
    headers: { Authorization: `Bearer ${setup.key.key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ user_id: "user-1" }),
  });

beforeAll(async () => {
  setup = await setupProject(); // its token is signed by the key in the test env's JWT_SIGNING_KEYS
  const newKey = await generateSigningJwk();
  newKid = newKey.kid;
  rotatedEnv = { ...env, JWT_SIGNING_KEYS: addSigningKey(env.JWT_SIGNING_KEYS!, newKey) };
});

describe("JWT signing key rotation, through the Worker", () => {
  it("publishes the new key first and keeps the old one in the JWKS", async () => {
    const oldKid = kidOf(setup.token);
    const { json } = await call(rotatedEnv, `${API}/.well-known/jwks.json`);
    expect(json.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid, oldKid]);
  });

  it("still accepts a token minted before the rotation", async () => {
    expect((await models(env, setup.token)).status).toBe(200);
    expect((await models(rotatedEnv, setup.token)).status).toBe(200);
  });

  it("signs new tokens with the new kid, and they verify", async () => {
    const minted = await mint(rotatedEnv);
    expect(minted.status).toBe(200);
    expect(kidOf(minted.json.token)).toBe(newKid);
    expect((await models(rotatedEnv, minted.json.token)).status).toBe(200);
  });

  it("refuses a token whose key was dropped from the secret (the leaked-key procedure)", async () => {
    const withoutOld = { ...env, JWT_SIGNING_KEYS: JSON.stringify([JSON.parse(rotatedEnv.JWT_SIGNING_KEYS!)[0]]) };
    const { status, json } = await models(withoutOld, setup.token);
    expect(status).toBe(401);
    expect(json.error.code).toBe("invalid_token");
  });
});
