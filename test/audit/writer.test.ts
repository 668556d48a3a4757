import { env } from "cloudflare:test";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "../../schema";
import { GENESIS_HASH } from "../../src/audit/chain";
import { verifyTenantChain } from "../../src/audit/queries";
import { appendAudit, auditTarget } from "../../src/audit/writer";
import { database } from "../../src/db/client";
import type { Actor } from "../../src/http/app-env";

const operator: Actor = { kind: "operator", id: "operator" };
const admin = (tenantId: string): Actor => ({ kind: "tenant_admin", id: "adm_1", tenantId });
const freshTenant = () => `ten_${crypto.randomUUID().slice(0, 8)}`;

describe("appendAudit", () => {
  it("starts a tenant's chain at seq 1 from the genesis hash and records who, what, when", async () => {
    const tenantId = freshTenant();
    const entry = await appendAudit(
      database(env),
      admin(tenantId),
      {
        tenantId,
        action: "project.update",
        target: auditTarget(["project", "prj_1"]),
        before: { name: "old" },
        after: { name: "new" },
      },
      1_700_000_000_000,
    );
    expect(entry).toMatchObject({
      tenant_id: tenantId,
      seq: 1,
      prev_hash: GENESIS_HASH,
      actor_id: "adm_1",
      actor_role: "tenant_admin",
      action: "project.update",
      target: "project:prj_1",
      before: '{"name":"old"}',
      after: '{"name":"new"}',
      created_at: 1_700_000_000_000,
    });
    const row = await database(env).select().from(auditLog).where(eq(auditLog.id, entry.id)).get();
    expect(row).toMatchObject({ seq: 1, hash: entry.hash, after: '{"name":"new"}' });
  });

  it("never stores a secret member even when a caller passes one", async () => {
    const tenantId = freshTenant();
    const plaintext = "tg_sk_live_0123456789abcdef0123456789abcdef";
    const entry = await appendAudit(database(env), operator, {
      tenantId,
      action: "api_key.create",
      target: "project:prj_1/api_key:key_1",
      after: {
        id: "key_1",
        key: plaintext,
        hash: "$argon2id$v=19$secret",
        lookup_index: "abc",
        prefix: "tg_sk_live_0123",
      },
    });
    const row = await database(env).select().from(auditLog).where(eq(auditLog.id, entry.id)).get();
    const stored = JSON.stringify(row);
    for (const secret of [plaintext, "$argon2id", '"abc"']) expect(stored).not.toContain(secret);
    expect(JSON.parse(row!.after!)).toEqual({
      id: "key_1",
      prefix: "tg_sk_live_0123",
      _redacted: ["hash", "key", "lookup_index"],
    });
  });

  it("does not fork under concurrent writers: seq stays dense and the chain verifies", async () => {
    const tenantId = freshTenant();
    const db = database(env);
    const writes = Array.from({ length: 25 }, (_, n) =>
      appendAudit(db, operator, { tenantId, action: "project.update", target: `project:prj_${n}`, after: { n } }),
    );
    const entries = await Promise.all(writes);
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n + 1));
    const rows = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.tenantId, tenantId))
      .orderBy(asc(auditLog.seq))
      .all();
    expect(rows).toHaveLength(25);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(await verifyTenantChain(db, tenantId)).toEqual({
      ok: true,
      entries: 25,
      head_hash: rows[24]!.hash,
      first_bad: null,
    });
  });

  it("keeps one chain per tenant: writes to one never move another's seq", async () => {
    const [a, b] = [freshTenant(), freshTenant()];
    const db = database(env);
    await Promise.all([
      appendAudit(db, operator, { tenantId: a, action: "x", target: "t" }),
      appendAudit(db, operator, { tenantId: b, action: "x", target: "t" }),
      appendAudit(db, operator, { tenantId: a, action: "y", target: "t" }),
    ]);
    expect((await verifyTenantChain(db, a)).entries).toBe(2);
    expect((await verifyTenantChain(db, b)).entries).toBe(1);
  });

  it("refuses a second row with a taken (tenant_id, seq) at the database", async () => {
    const tenantId = freshTenant();
    const entry = await appendAudit(database(env), operator, { tenantId, action: "x", target: "t" });
    const insert = env.DB.prepare(
      "INSERT INTO audit_log (id, tenant_id, seq, actor_id, actor_role, action, target, created_at, prev_hash, hash) VALUES ('aud_fork', ?, 1, 'x', 'x', 'x', 'x', 0, ?, 'h')",
    ).bind(tenantId, GENESIS_HASH);
    await expect(insert.run()).rejects.toThrow(/UNIQUE/);
    expect(entry.seq).toBe(1);
  });
});
