import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@libsql/client";

/** The drizzle-kit migrations in order, each split into statements (drizzle-kit marks the breakpoints). */
export function readMigrations(dir = "schema/migrations"): { name: string; statements: string[] }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => ({
      name: file,
      statements: readFileSync(join(dir, file), "utf8")
        .split("--> statement-breakpoint")
        .map((statement) => statement.trim())
        .filter(Boolean),
    }));
}

/**
 * Applies pending migrations to a libSQL/Turso database, recording them in `d1_migrations` like wrangler
 * does for D1, so one migrations folder serves both drivers.
 */
export async function applyLibsqlMigrations(client: Client, dir?: string): Promise<string[]> {
  await client.execute(
    "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
  );
  const applied: string[] = [];
  for (const migration of readMigrations(dir)) {
    const done = await client.execute({ sql: "SELECT 1 FROM d1_migrations WHERE name = ?", args: [migration.name] });
    if (done.rows.length > 0) continue;
    for (const statement of migration.statements) await client.execute(statement);
    await client.execute({ sql: "INSERT INTO d1_migrations (name) VALUES (?)", args: [migration.name] });
    applied.push(migration.name);
  }
  return applied;
}
