import { drizzle as drizzleD1 } from "drizzle-orm/d1";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import { createClient } from "@libsql/client/web";
import type { Database } from "./database";
import * as schema from "../../schema";

/**
 * The system of record: D1 by default, libSQL/Turso when LIBSQL_URL is set. Both are SQLite dialect over one
 * schema; repository modules take a `Database` and never know which driver is behind it.
 */
export type { Database };

const clients = new WeakMap<object, Database>();

export function database(env: Pick<Env, "DB"> & { LIBSQL_URL?: string; LIBSQL_AUTH_TOKEN?: string }): Database {
  const key = env as object;
  const existing = clients.get(key);
  if (existing) return existing;
  const db: Database = env.LIBSQL_URL
    ? (drizzleLibsql(createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN }), {
        schema,
      }) as unknown as Database)
    : drizzleD1(env.DB, { schema });
  clients.set(key, db);
  return db;
}
