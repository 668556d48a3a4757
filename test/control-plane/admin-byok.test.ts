import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { adminByokRoutes, reencryptAllProviderKeys, type ReencryptResult } from "../../src/control-plane/admin-byok";
import { database } from "../../src/db/client";
import type { Actor, ControlPlaneEnv } from "../../src/http/app-env";
import { handleError } from "../../src/http/error-handler";
import { decryptProviderKey, encryptProviderKey } from "../../src/secrets/byok-cipher";
import { addMasterKey, generateMasterKey } from "../../src/secrets/generate";
import { parseMasterKeys } from "../../src/secrets/master-keys";
import worker from "../../src/index";
import { call, createKey, createProject, createTenant, mint, projectUrl } from "../support/control-plane";
import { authorizations, interceptOpenAiUpstream } from "../support/fake-upstream";

/**
 * BYOK master-key rotation as the operator runs it: rows sealed under v1, the secret becomes "v2:…,v1:…",
 * then POST /v1/admin/byok/reencrypt moves every row it can open to v2 and leaves the rest untouched.
 */
const V1 = generateMasterKey(1);
const ROTATED = addMasterKey(V1); // "v2:<new>,v1:<old>", exactly what `generate-secrets --add-master-key` prints
const V2_ONLY = ROTATED.split(",")[0]!;

interface Row {
  id: string;
  tenantId: string;
  provider: string;
  scope: string;
  plaintext: string;
}
const GOOD: Row[] = [
  { id: "pk_a1", tenantId: "ten_rot_a", provider: "openai", scope: "tenant", plaintext: "sk-openai-aaaaaaaaaaaaaaaa" },
  {
    id: "pk_a2",
    tenantId: "ten_rot_a",
    provider: "anthropic",
    scope: "cc:support",
    plaintext: "sk-ant-bbbbbbbbbbbbbbbb",
  },
  { id: "pk_b1", tenantId: "ten_rot_b", provider: "groq", scope: "tenant", plaintext: "gsk_cccccccccccccccccccc" },
];
/** Sealed under a master key the secret no longer holds. */
const LOST_KEY_ROW = {
  id: "pk_b2",
  tenantId: "ten_rot_b",
  provider: "mistral",
  scope: "tenant",
  plaintext: "mistral-dddddddddddd",
};
/** Tenant A's ciphertext copied into tenant B's row: re-encryption must not launder it into a valid one. */
const SWAPPED_ROW = { id: "pk_b3", tenantId: "ten_rot_b", provider: "openai", scope: "tenant" };

async function insert(row: Omit<Row, "plaintext">, ciphertext: string) {
  await env.DB.prepare(
    `INSERT INTO provider_keys (id, tenant_id, provider, scope, ciphertext, fingerprint, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'sha256:000000000000', 0, 0)`,
  )
    .bind(row.id, row.tenantId, row.provider, row.scope, ciphertext)
    .run();
}

async function stored(id: string): Promise<string> {
  return (await env.DB.prepare("SELECT ciphertext FROM provider_keys WHERE id = ?")
    .bind(id)
    .first<{ ciphertext: string }>())!.ciphertext;
}

/** The sub-app as app.ts mounts it, with the actor set by a stand-in for the auth middleware. */
async function callReencrypt(actor: Actor, masterKeys = ROTATED) {
  const app = new Hono<ControlPlaneEnv>();
  app.onError(handleError);
  app.use("*", async (c, next) => {
    c.set("actor", actor);
    c.set("requestId", "req_rotation");
    await next();
  });
  app.route("/", adminByokRoutes());
  const ctx = createExecutionContext();
  // A fresh env object: startup validation parses it anew, so the rotated secret is what the route sees.
  const response = await app.fetch(
    new Request("https://localhost/v1/admin/byok/reencrypt", { method: "POST" }),
    { ...env, BYOK_MASTER_KEYS: masterKeys },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, text: await response.text() };
}

const OPERATOR: Actor = { kind: "operator", id: "operator" };

beforeAll(async () => {
  for (const tenant of ["ten_rot_a", "ten_rot_b"]) {
    await env.DB.prepare(`INSERT INTO tenants (id, name, plan, created_at) VALUES (?, ?, 'pro', 0)`)
      .bind(tenant, tenant)
      .run();
  }
  const v1 = await parseMasterKeys(V1);
  for (const row of GOOD) await insert(row, await encryptProviderKey(row.plaintext, row, v1));
  const lost = await parseMasterKeys(generateMasterKey(7));
  await insert(LOST_KEY_ROW, await encryptProviderKey(LOST_KEY_ROW.plaintext, LOST_KEY_ROW, lost));
  await insert(SWAPPED_ROW, await stored("pk_a1"));
});

describe("POST /v1/admin/byok/reencrypt", () => {
  it("refuses a tenant admin and changes nothing", async () => {
    const before = await stored("pk_a1");
    const res = await callReencrypt({ kind: "tenant_admin", id: "adm_x", tenantId: "ten_rot_a" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe("forbidden");
    expect(await stored("pk_a1")).toBe(before);
  });

  it("re-seals every row it can open under the active key, and reports the rest without touching them", async () => {
    const lostBefore = await stored(LOST_KEY_ROW.id);
    const swappedBefore = await stored(SWAPPED_ROW.id);
    const res = await callReencrypt(OPERATOR);
    expect(res.status).toBe(200);
    const result = JSON.parse(res.text) as ReencryptResult;
    expect(result).toEqual({
      active_version: "v2",
      scanned: 5,
      reencrypted: 3,
      already_current: 0,
      changed_concurrently: 0,
      failed: [
        { id: "pk_b2", reason: "unknown_key_version" },
        { id: "pk_b3", reason: "authentication_failed" },
      ],
      versions: { v1: 1, v2: 3, v7: 1 },
      gates_synced: 0,
    });
    expect(await stored(LOST_KEY_ROW.id)).toBe(lostBefore);
    expect(await stored(SWAPPED_ROW.id)).toBe(swappedBefore);
    for (const row of GOOD) expect(res.text).not.toContain(row.plaintext);
  });

  it("leaves rows that open with the new key alone: the old key can then leave the secret", async () => {
    const v2Only = await parseMasterKeys(V2_ONLY);
    for (const row of GOOD) {
      const sealed = await stored(row.id);
      expect(sealed.startsWith("v2.")).toBe(true);
      expect(await decryptProviderKey(sealed, row, v2Only)).toEqual({
        ok: true,
        plaintext: row.plaintext,
        keyVersion: "v2",
      });
    }
  });

  it("is idempotent: a second run re-seals nothing", async () => {
    const before = await Promise.all(GOOD.map((row) => stored(row.id)));
    const result = JSON.parse((await callReencrypt(OPERATOR)).text) as ReencryptResult;
    expect(result).toMatchObject({ scanned: 5, reencrypted: 0, already_current: 3 });
    expect(await Promise.all(GOOD.map((row) => stored(row.id)))).toEqual(before);
  });

  it("answers 500 misconfigured, naming the secret but not its value, when the rotated secret is malformed", async () => {
    const res = await callReencrypt(OPERATOR, "v2:short,v1:x");
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text).error).toMatchObject({ code: "misconfigured" });
    expect(res.text).toContain("BYOK_MASTER_KEYS");
    expect(res.text).not.toContain("short");
  });
});

describe("a tenant storing a new key while the walk runs", () => {
  it("keeps the tenant's new key: the write is a compare-and-swap on the ciphertext that was read", async () => {
    const v1 = await parseMasterKeys(V1);
    const ring = await parseMasterKeys(ROTATED);
    const racing = { id: "pk_race", tenantId: "ten_rot_a", provider: "cohere", scope: "tenant" };
    const quiet = { id: "pk_race_quiet", tenantId: "ten_rot_a", provider: "together", scope: "tenant" };
    await insert(racing, await encryptProviderKey("old-cohere-key-0000", racing, v1));
    await insert(quiet, await encryptProviderKey("together-key-0000", quiet, v1));
    const tenantsNewKey = await encryptProviderKey("new-cohere-key-1111", racing, ring);

    // The tenant's PUT lands after the walk read the page and before it writes the batch.
    const racingDb = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            await target
              .prepare("UPDATE provider_keys SET ciphertext = ? WHERE id = ?")
              .bind(tenantsNewKey, racing.id)
              .run();
            return target.batch(statements);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await reencryptAllProviderKeys(database({ DB: racingDb }), ring);

    expect(result).toMatchObject({ reencrypted: 1, changed_concurrently: 1 });
    expect(await stored(racing.id)).toBe(tenantsNewKey);
    expect(await decryptProviderKey(await stored(racing.id), racing, ring)).toMatchObject({
      ok: true,
      plaintext: "new-cohere-key-1111",
    });
    expect((await stored(quiet.id)).startsWith("v2.")).toBe(true);
  });
});

describe("re-encryption and the project gates' copies of the keys", () => {
  it("gives every gate the re-sealed key, so chats keep working once the old master key has left the secret", async () => {
    const upstream = "https://rotation.test/v1";
    const plaintext = "sk-rotation-0123456789abcdef";
    const tenant = await createTenant("pro");
    const project = await createProject(tenant.admin, { provider_model: "openai/gpt-4o-mini" });
    const minted = await mint((await createKey(tenant.admin, project.id)).key, { user_id: "user-1" });
    const seen = interceptOpenAiUpstream(upstream);
    try {
      const put = await call("PUT", `https://localhost/auth/v1/tenants/${tenant.id}/providers/openai`, {
        token: tenant.admin,
        body: { api_key: plaintext, base_url: upstream },
      });
      expect(put.status, put.text).toBe(200);

      // The deployment's secret gets a new first key; the route re-seals the row and pushes it to the gate.
      const rotated = addMasterKey(env.BYOK_MASTER_KEYS!);
      const res = await callReencrypt(OPERATOR, rotated);
      expect(res.status, res.text).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ active_version: "v2", gates_synced: expect.any(Number) });
      expect(JSON.parse(res.text).gates_synced).toBeGreaterThanOrEqual(1);

      // Step 4 of the rotation: the old key is gone. Only a gate holding the v2 ciphertext can still pay.
      const ctx = createExecutionContext();
      const chat = await worker.fetch(
        new Request(projectUrl(project.slug, "/v1/chat/completions"), {
          method: "POST",
          headers: { Authorization: `Bearer ${minted.json.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
        }),
        { ...env, BYOK_MASTER_KEYS: rotated.split(",")[0]! },
        ctx,
      );
      const text = await chat.text();
      await waitOnExecutionContext(ctx);
      expect(chat.status, text).toBe(200);
      expect(authorizations(seen)).toEqual([`Bearer ${plaintext}`]);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
