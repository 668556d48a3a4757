import { beforeAll, describe, expect, it } from "vitest";
import type { VerifyOptions } from "../../src/auth/jwt-verify";
import type { SigningKeyJwk, SigningKeySet } from "../../src/auth/signing-keys";
import { verifyProjectJwtOnce } from "../../src/auth/verified-tokens";
import {
  AUDIENCE,
  b64urlJson,
  freshJwks,
  ISSUER,
  keySet,
  NOW,
  NOW_S,
  PROJECT,
  signRaw,
  validPayload,
} from "./jwt-fixtures";

let signer: SigningKeyJwk;
let keys: SigningKeySet;
let options: VerifyOptions;

beforeAll(async () => {
  [signer] = (await freshJwks(1)) as [SigningKeyJwk];
  keys = await keySet([signer]);
  options = { keys, issuer: ISSUER, audience: AUDIENCE, projectId: PROJECT, now: NOW };
});

const at = (seconds: number) => new Date((NOW_S + seconds) * 1000);

describe("verifyProjectJwtOnce (per-isolate memo of verified tokens)", () => {
  it("answers a verified token again, and still refuses it once expired, even from the memo", async () => {
    const token = await signRaw(signer, validPayload({ exp: NOW_S + 60 }));
    const first = await verifyProjectJwtOnce(token, options);
    expect(first).toMatchObject({ ok: true, claims: { pid: PROJECT } });
    const again = await verifyProjectJwtOnce(token, { ...options, now: at(30) });
    // The memo answers: the very claims object of the first verification, not a re-parsed copy.
    expect(again.ok && first.ok && again.claims === first.claims).toBe(true);
    expect(await verifyProjectJwtOnce(token, { ...options, now: at(60 + 31) })).toEqual({
      ok: false,
      code: "token_expired",
    });
    // …and stays refused (the expired entry is gone; full verification says the same).
    expect(await verifyProjectJwtOnce(token, { ...options, now: at(60 + 31) })).toEqual({
      ok: false,
      code: "token_expired",
    });
  });

  it("hits across key-set objects of the same secret (the middleware loads a fresh set per request)", async () => {
    const token = await signRaw(signer, validPayload({ jti: "jti-fresh-set" }));
    const first = await verifyProjectJwtOnce(token, { ...options, keys: await keySet([signer]) });
    const again = await verifyProjectJwtOnce(token, { ...options, keys: await keySet([signer]) });
    expect(again.ok && first.ok && again.claims === first.claims).toBe(true);
  });

  it("checks the project on every hit: a memoised token for one project is refused on another", async () => {
    const token = await signRaw(signer, validPayload());
    expect((await verifyProjectJwtOnce(token, options)).ok).toBe(true);
    expect(await verifyProjectJwtOnce(token, { ...options, projectId: "prj_other" })).toEqual({
      ok: false,
      code: "wrong_project",
    });
  });

  it("trusts a token only under the key set that verified it: another key set verifies from scratch", async () => {
    const token = await signRaw(signer, validPayload());
    expect((await verifyProjectJwtOnce(token, options)).ok).toBe(true);
    const [other] = (await freshJwks(1)) as [SigningKeyJwk];
    expect(await verifyProjectJwtOnce(token, { ...options, keys: await keySet([other]) })).toEqual({
      ok: false,
      code: "invalid_token",
    });
  });

  it("never memoises a refusal: a forged token with a verified token's claims is refused every time", async () => {
    const token = await signRaw(signer, validPayload());
    expect((await verifyProjectJwtOnce(token, options)).ok).toBe(true);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${b64urlJson(validPayload({ uid: "someone-else" }))}.${signature}`;
    for (let i = 0; i < 2; i++)
      expect(await verifyProjectJwtOnce(forged, options)).toEqual({ ok: false, code: "invalid_token" });
    const unsigned = `${b64urlJson({ alg: "none", typ: "JWT" })}.${b64urlJson(validPayload())}.`;
    expect(await verifyProjectJwtOnce(unsigned, options)).toEqual({ ok: false, code: "invalid_token" });
  });
});
