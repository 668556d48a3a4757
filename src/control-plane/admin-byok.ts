import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import { projects, providerKeys } from "../../schema";
import { database, type Database } from "../db/client";
import { loadConfig } from "../env";
import { reconfigureGates } from "../limits/gate-snapshot";
import { reencryptWithActiveKey } from "../secrets/byok-cipher";
import { parseMasterKeys, type MasterKeyRing } from "../secrets/master-keys";
import { requireOperator } from "./actor";
import { controlRouter } from "./openapi-app";
import { commonErrors, jsonResponse } from "./schemas";

/**
 * BYOK master-key rotation, step 3 (docs/deployment.md): after a new key is put first in BYOK_MASTER_KEYS,
 * re-seal every stored provider key under it. Idempotent, so it can simply be run again after a partial run;
 * `versions` tells the operator when no row needs an old key any more and it can leave the secret.
 */
const ReencryptResult = z
  .object({
    active_version: z.string().describe("The master key every re-sealed row now names"),
    scanned: z.number().int(),
    reencrypted: z.number().int(),
    already_current: z.number().int(),
    changed_concurrently: z
      .number()
      .int()
      .describe("Rows rewritten by a tenant meanwhile; already under the active key"),
    failed: z
      .array(
        z.object({ id: z.string(), reason: z.enum(["malformed", "unknown_key_version", "authentication_failed"]) }),
      )
      .describe("Rows that no configured master key opens; left untouched"),
    versions: z.record(z.string(), z.number().int()).describe("Rows per master key version after the run"),
    gates_synced: z
      .number()
      .int()
      .describe("Project gates given the re-sealed keys: every project of a tenant that stores a key"),
  })
  .openapi("ByokReencryptResult");
export type ReencryptResult = z.infer<typeof ReencryptResult>;

const reencrypt = createRoute({
  method: "post",
  path: "/v1/admin/byok/reencrypt",
  tags: ["admin"],
  summary: "Re-encrypt every stored provider key with the active BYOK master key (operator)",
  responses: { 200: jsonResponse(ReencryptResult, "Counts; no key material"), ...commonErrors },
});

/** Rows per round trip: bounds memory and the size of each write batch. */
const PAGE_SIZE = 100;

export function adminByokRoutes() {
  const app = controlRouter();
  app.openapi(reencrypt, async (c) => {
    requireOperator(c.get("actor"));
    const ring = await parseMasterKeys(loadConfig(c.env).BYOK_MASTER_KEYS);
    const db = database(c.env);
    const result = await reencryptAllProviderKeys(db, ring);
    // Project gates keep copies of the ciphertexts (the hot path pays from them), so they must hold the
    // re-sealed ones before the old master key leaves the secret. All of them, every run: a run that failed
    // half-way through this step is then completed by simply running it again.
    const projectIds = await projectsOfKeyHolders(db);
    await reconfigureGates(c.env, db, projectIds);
    return c.json({ ...result, gates_synced: projectIds.length }, 200);
  });
  return app;
}

async function projectsOfKeyHolders(db: Database): Promise<string[]> {
  const holders = db.selectDistinct({ tenantId: providerKeys.tenantId }).from(providerKeys);
  const rows = await db.select({ id: projects.id }).from(projects).where(inArray(projects.tenantId, holders)).all();
  return rows.map((row) => row.id);
}

/** Walks `provider_keys` by id (keyset pagination, stable under concurrent inserts) and re-seals each row. */
export async function reencryptAllProviderKeys(
  db: Database,
  ring: MasterKeyRing,
): Promise<Omit<ReencryptResult, "gates_synced">> {
  const result: Omit<ReencryptResult, "gates_synced"> = {
    active_version: ring.active.version,
    scanned: 0,
    reencrypted: 0,
    already_current: 0,
    changed_concurrently: 0,
    failed: [],
    versions: {},
  };
  let after = "";
  for (;;) {
    const page = await db
      .select({
        id: providerKeys.id,
        tenantId: providerKeys.tenantId,
        provider: providerKeys.provider,
        scope: providerKeys.scope,
        ciphertext: providerKeys.ciphertext,
      })
      .from(providerKeys)
      .where(gt(providerKeys.id, after))
      .orderBy(asc(providerKeys.id))
      .limit(PAGE_SIZE)
      .all();
    const last = page.at(-1);
    if (!last) break;
    after = last.id;
    result.scanned += page.length;

    const updates: { id: string; from: string; to: string }[] = [];
    for (const row of page) {
      // The cipher's associated data is (tenant, provider, scope) exactly as the BYOK routes sealed it.
      const outcome = await reencryptWithActiveKey(
        row.ciphertext,
        { tenantId: row.tenantId, provider: row.provider, scope: row.scope },
        ring,
      );
      if (!outcome.ok) result.failed.push({ id: row.id, reason: outcome.reason });
      else if (!outcome.changed) result.already_current += 1;
      else updates.push({ id: row.id, from: row.ciphertext, to: outcome.sealed });
    }
    if (updates.length > 0) {
      // Compare-and-swap on the old ciphertext: a tenant's PUT landing between our read and this write
      // already sealed a newer key under the active master key, and must not be overwritten by the old one.
      const writes = updates.map((u) =>
        db
          .update(providerKeys)
          .set({ ciphertext: u.to })
          .where(and(eq(providerKeys.id, u.id), eq(providerKeys.ciphertext, u.from)))
          .returning({ id: providerKeys.id }),
      );
      const applied = await db.batch(writes as [(typeof writes)[number], ...typeof writes]);
      for (const rows of applied) {
        if (rows.length > 0) result.reencrypted += 1;
        else result.changed_concurrently += 1;
      }
    }
  }
  result.versions = await countByVersion(db);
  return result;
}

/** Rows per master key version, read from the sealed form's `v<n>.` prefix. */
async function countByVersion(db: Database): Promise<Record<string, number>> {
  const version = sql<string>`substr(${providerKeys.ciphertext}, 1, instr(${providerKeys.ciphertext}, '.') - 1)`;
  const rows = await db.select({ version, rows: count() }).from(providerKeys).groupBy(version).all();
  return Object.fromEntries(rows.map((row) => [row.version || "malformed", row.rows]));
}
