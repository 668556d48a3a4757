import { beforeEach, describe, expect, it } from "vitest";
import { clearVertexTokenCache, parseServiceAccount, vertexAccessToken } from "../../src/providers/vertex-auth";
import tokenError from "../fixtures/providers/vertex/token-error.json";
import { fakeGoogle, fakeServiceAccount, FAKE_TOKEN_URL } from "../fixtures/providers/vertex/fake-google";

beforeEach(() => clearVertexTokenCache());

describe("parseServiceAccount", () => {
  const good = {
    type: "service_account",
    project_id: "p",
    private_key: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
    client_email: "a@p.iam.gserviceaccount.com",
  };
  it.each([
    [
      "a downloaded key (extra fields ignored)",
      JSON.stringify({ ...good, auth_uri: "https://accounts.google.com/o/oauth2/auth" }),
      true,
    ],
    ["an authorized_user file", JSON.stringify({ ...good, type: "authorized_user" }), false],
    ["a key without private_key", JSON.stringify({ ...good, private_key: undefined }), false],
    ["an API key string", "AIzaSyD-not-json", false],
  ])("%s → %s", (_name, text, ok) => {
    expect(parseServiceAccount(text) !== null).toBe(ok);
  });
});

describe("vertexAccessToken", () => {
  it("signs an RS256 JWT-bearer assertion: iss = account, aud = token URL, cloud-platform scope, one hour", async () => {
    const { account, publicKey } = await fakeServiceAccount();
    const google = fakeGoogle(publicKey);
    const now = Date.UTC(2025, 4, 12, 9, 0, 0);
    expect(await vertexAccessToken(account, { tokenUrl: FAKE_TOKEN_URL, fetch: google.fetch, now: () => now })).toEqual(
      { ok: true, token: "ya29.fake-1" },
    );
    const [{ header, claims }] = google.assertions as [(typeof google.assertions)[number]];
    expect(header).toEqual({ alg: "RS256", typ: "JWT", kid: "3f1c0ffee" });
    expect(claims).toEqual({
      iss: account.client_email,
      aud: FAKE_TOKEN_URL,
      scope: "https://www.googleapis.com/auth/cloud-platform",
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
  });

  it.each([
    ["reuses the token while more than 5 minutes remain", 3599_000 - 301_000, 1],
    ["refreshes it within 5 minutes of expiry", 3599_000 - 299_000, 2],
    ["refreshes it after expiry", 4000_000, 2],
  ])("%s", async (_name, laterMs, exchanges) => {
    const { account, publicKey } = await fakeServiceAccount();
    const google = fakeGoogle(publicKey);
    let now = 1_700_000_000_000;
    const options = { tokenUrl: FAKE_TOKEN_URL, fetch: google.fetch, now: () => now };
    await vertexAccessToken(account, options);
    now += laterMs;
    const second = await vertexAccessToken(account, options);
    expect(google.tokenCalls()).toBe(exchanges);
    expect(second).toEqual({ ok: true, token: `ya29.fake-${exchanges}` });
  });

  it("shares one exchange between concurrent callers, and keeps accounts apart", async () => {
    const a = await fakeServiceAccount("project-a");
    const b = await fakeServiceAccount("project-b");
    const googleA = fakeGoogle(a.publicKey);
    const googleB = fakeGoogle(b.publicKey);
    const many = await Promise.all(
      Array.from({ length: 5 }, () => vertexAccessToken(a.account, { tokenUrl: FAKE_TOKEN_URL, fetch: googleA.fetch })),
    );
    expect(new Set(many.map((r) => (r.ok ? r.token : "fail")))).toEqual(new Set(["ya29.fake-1"]));
    expect(googleA.tokenCalls()).toBe(1);
    await vertexAccessToken(b.account, { tokenUrl: FAKE_TOKEN_URL, fetch: googleB.fetch });
    expect(googleB.tokenCalls()).toBe(1);
  });

  it("reports a refused key as 401 with Google's reason, and caches nothing", async () => {
    const { account } = await fakeServiceAccount();
    let calls = 0;
    const refusing: typeof fetch = async () => (calls++, Response.json(tokenError, { status: 400 }));
    const options = { tokenUrl: FAKE_TOKEN_URL, fetch: refusing };
    expect(await vertexAccessToken(account, options)).toEqual({
      ok: false,
      status: 401,
      message: "invalid_grant: Invalid JWT Signature.",
    });
    await vertexAccessToken(account, options);
    expect(calls).toBe(2);
  });

  it("reports an unreadable private key without calling the endpoint", async () => {
    const { account } = await fakeServiceAccount();
    let calls = 0;
    const result = await vertexAccessToken(
      { ...account, private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----" },
      { tokenUrl: FAKE_TOKEN_URL, fetch: async () => (calls++, new Response()) },
    );
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(calls).toBe(0);
  });
});
