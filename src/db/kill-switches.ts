import { sql } from "drizzle-orm";
import { killSwitches } from "../../schema";
import type { Database } from "./database";

/**
 * Sets a kill switch and returns its new `version`. The database applies writes one at a time, so versions order
 * concurrent flips of one switch as they landed; project gates keep the highest version pushed to them.
 */
export async function writeKillSwitch(
  db: Database,
  change: Omit<typeof killSwitches.$inferInsert, "version">,
): Promise<number> {
  const { enabled, updatedAt } = change;
  const written = await db
    .insert(killSwitches)
    .values({ ...change, version: 1 })
    .onConflictDoUpdate({
      target: [killSwitches.scope, killSwitches.scopeId],
      set: { enabled, updatedAt, version: sql`${killSwitches.version} + 1` },
    })
    .returning({ version: killSwitches.version })
    .get();
  if (!written) throw new Error("the kill switch upsert returned no row");
  return written.version;
}
