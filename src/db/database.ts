import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../../schema";

/**
 * What repository modules see: a drizzle SQLite database, D1 or libSQL behind it (src/db/client.ts picks).
 * Kept free of Worker types so the same modules run under Node against a libSQL file in tests and scripts.
 */
export type Database = BaseSQLiteDatabase<"async", unknown, typeof schema> & {
  /** Both drivers run a batch as one transaction with the same signature. */
  batch: DrizzleD1Database<typeof schema>["batch"];
};
