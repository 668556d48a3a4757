import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../schema";
import { applyLibsqlMigrations } from "../../scripts/lib/migrations";
import { findApiKeyByLookup, insertApiKey, listApiKeys, revokeProjectKeys, rotateApiKey } from "../../src/db/api-keys";
import type { Database } from "../../src/db/database";
import {
  findProjectBySlug,
  insertProjectWithinPlan,
  insertTierWithinCap,
  listTiers,
  projectSettings,
  resumeProjectWithinPlan,
  updateProject,
} from "../../src/db/projects";
import { isUniqueViolation } from "../../src/db/unique-violation";
import {
  findActiveAdminCredential,
  listAdminCredentials,
  revokeAdminCredential,
  rotateAdminCredential,
} from "../../src/db/admin-credentials";
import { findTenant, insertTenant } from "../../src/db/tenants";
import { writeKillSwitch } from "../../src/db/kill-switches";
import { insertLedgerRows, ledgerRow } from "../../src/usage/ledger";

// The repository layer against libSQL (the LIBSQL_URL path) with a file: database, in Node.
const dir = mkdtempSync(join(tmpdir(), "tollgate-libsql-"));
const client = createClient({ url: `file:${join(dir, "test.db")}` });
const db = drizzle(client, { schema }) as unknown as Database;

beforeAll(async () => {
  expect(await applyLibsqlMigrations(client)).toContain("0000_init.sql");
  expect(await applyLibsqlMigrations(client)).toEqual([]); // idempotent
});
afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = Date.now();
const project = (id: string, slug: string) => ({
  id,
  tenantId: "ten_free",
  name: id,
  slug,
  costCenter: null,
  status: "active" as const,
  dnsStatus: "PENDING" as const,
  settings: JSON.stringify({ rpm_limit: 5 }),
  createdAt: now,
  updatedAt: now,
});
const key = (id: string, lookupIndex: string) => ({
  id,
  tenantId: "ten_free",
  projectId: "prj_1",
  role: "user",
  lookupIndex,
  hash: "$argon2id$stub",
  prefix: "tg_sk_live_abcd…",
  createdAt: now,
});

describe("repository layer on libSQL", () => {
  it("creates tenants with their admin credential in one batch", async () => {
    await insertTenant(
      db,
      { id: "ten_free", name: "Free", plan: "free", createdAt: now },
      { id: "adm_1", tenantId: "ten_free", lookupIndex: "idx-admin", hash: "h", prefix: "p", createdAt: now },
    );
    expect((await findTenant(db, "ten_free"))?.plan).toBe("free");
    expect((await findActiveAdminCredential(db, "idx-admin"))?.tenantId).toBe("ten_free");
  });

  it("rotates an admin credential to exactly one successor and never revokes the last one when asked not to", async () => {
    const successor = (id: string) => ({
      id,
      tenantId: "ten_free",
      lookupIndex: `idx-${id}`,
      hash: "h",
      prefix: "p",
      createdAt: now,
    });
    expect(await rotateAdminCredential(db, "ten_free", "adm_1", successor("adm_2"), now)).toBe(true);
    expect(await rotateAdminCredential(db, "ten_free", "adm_1", successor("adm_3"), now)).toBe(false);
    expect(await findActiveAdminCredential(db, "idx-admin")).toBeUndefined();
    expect((await listAdminCredentials(db, "ten_free")).map((row) => [row.id, row.revokedAt === null])).toEqual([
      ["adm_1", false],
      ["adm_2", true],
    ]);
    expect(await revokeAdminCredential(db, "ten_free", "adm_2", now, { keepOne: true })).toBeUndefined();
    expect((await findActiveAdminCredential(db, "idx-adm_2"))?.id).toBe("adm_2");
  });

  it("enforces the free plan's 3 active projects and unique slugs", async () => {
    for (const n of [1, 2, 3])
      expect(await insertProjectWithinPlan(db, project(`prj_${n}`, `amber-fox-00${n}`))).toBeDefined();
    expect(await insertProjectWithinPlan(db, project("prj_4", "amber-fox-004"))).toBeUndefined();
    await updateProject(db, "prj_3", { status: "suspended" });
    const collision = await insertProjectWithinPlan(db, project("prj_5", "amber-fox-001")).catch((err: unknown) => err);
    expect(isUniqueViolation(collision)).toBe(true);
    expect(await insertProjectWithinPlan(db, project("prj_6", "amber-fox-006"))).toBeDefined();
    expect(await resumeProjectWithinPlan(db, "prj_3", now)).toBe(false);
    const found = await findProjectBySlug(db, "amber-fox-001");
    expect(projectSettings(found)).toMatchObject({ rpm_limit: 5, memory_window: 10 });
  });

  it("caps tiers at three per project", async () => {
    const results = [];
    for (const name of ["a", "b", "c", "d"])
      results.push(
        await insertTierWithinCap(db, {
          id: `tier_${name}`,
          projectId: "prj_1",
          name,
          overrides: "{}",
          createdAt: now,
        }),
      );
    expect(results).toEqual([true, true, true, false]);
    expect(await listTiers(db, "prj_1")).toHaveLength(3);
  });

  it("rotates a key into exactly one successor and revokes project keys", async () => {
    await insertApiKey(db, key("key_old", "idx-old"));
    const old = (await findApiKeyByLookup(db, "idx-old"))!;
    expect(await rotateApiKey(db, old, key("key_new", "idx-new"), now)).toBe(true);
    expect(await rotateApiKey(db, old, key("key_other", "idx-other"), now)).toBe(false); // unique rotated_from
    const keys = await listApiKeys(db, "prj_1");
    expect(keys.map((k) => [k.id, k.revokedAt !== null])).toEqual([
      ["key_old", true],
      ["key_new", false],
    ]);
    expect(await revokeProjectKeys(db, "prj_1", now)).toEqual(["key_new"]);
  });
});

describe("usage ledger on libSQL", () => {
  it("inserts a flush of 120 rows in one statement, keeps nulls and numbers, and ignores a replay", async () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      ledgerRow(
        {
          tenantId: "ten_free",
          projectId: "prj_ledger",
          costCenter: i % 2 ? "eng" : null,
          userId: `u${i % 3}`,
          createdAt: now,
        },
        {
          requestId: `req_ledger_${i}`,
          provider: "openai",
          model: "gpt-4o-mini",
          promptTokens: 10,
          completionTokens: i,
          costMicroUsd: 100 + i,
          latencyMs: 5,
          status: "ok",
          guardrailEvents: [{ kind: "pii", count: i }],
        },
      ),
    );
    await insertLedgerRows(db, rows);
    await insertLedgerRows(db, rows.slice(0, 10)); // a flush replayed after a crash
    const stored = await client.execute(
      "SELECT count(*) AS n, sum(cost_micro_usd) AS cost, sum(cost_center IS NULL) AS no_cc FROM usage_ledger WHERE project_id = 'prj_ledger'",
    );
    expect(stored.rows[0]).toMatchObject({ n: 120, cost: rows.reduce((sum, r) => sum + r.costMicroUsd, 0), no_cc: 60 });
    const one = await client.execute("SELECT * FROM usage_ledger WHERE request_id = 'req_ledger_7'");
    expect(one.rows[0]).toMatchObject({
      user_id: "u1",
      completion_tokens: 7,
      session_id: null,
      guardrail_events: '[{"kind":"pii","count":7}]',
      day: rows[7]!.day,
    });
  });

  it("numbers each kill switch's writes in order, per switch", async () => {
    const flip = (scopeId: string, enabled: boolean) =>
      writeKillSwitch(db, { scope: "project", scopeId, enabled, updatedAt: now });
    expect([
      await flip("prj_ks", true),
      await flip("prj_ks", false),
      await flip("prj_other", true),
      await flip("prj_ks", true),
    ]).toEqual([1, 2, 1, 3]);
  });
});
