import { DurableObject } from "cloudflare:workers";

/**
 * Stored Responses (`store: true`): one object per (project, end user) (`idFromName(storedResponsesKey(…))`),
 * so a response id can only ever be looked up inside its owner's object: another user or project reaches a
 * different object, where the id does not exist.
 *
 * Storage (SQLite): `responses(id, expires_at, body)`; `body` is the record's JSON (validated by the caller,
 * src/data-plane/responses/store.ts), `expires_at` the retention deadline in epoch ms fixed at write time
 * (`retention_days` of that moment). The alarm is set to the earliest deadline and deletes what is due; reads
 * check the deadline too, because an alarm may fire late.
 */
export class StoredResponses extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, body TEXT NOT NULL);
       CREATE INDEX IF NOT EXISTS responses_by_expiry ON responses (expires_at);`,
    );
  }

  async put(id: string, body: string, expiresAt: number): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO responses (id, expires_at, body) VALUES (?, ?, ?)",
      id,
      expiresAt,
      body,
    );
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
  }

  async get(id: string): Promise<string | null> {
    const row = this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM responses WHERE id = ? AND expires_at > ?", id, Date.now())
      .toArray()[0];
    return row ? row.body : null;
  }

  /** True if a live response was deleted. */
  async delete(id: string): Promise<boolean> {
    const cursor = this.ctx.storage.sql.exec("DELETE FROM responses WHERE id = ? AND expires_at > ?", id, Date.now());
    return cursor.rowsWritten > 0;
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM responses WHERE expires_at <= ?", Date.now());
    const next = sql.exec<{ due: number | null }>("SELECT MIN(expires_at) AS due FROM responses").toArray()[0];
    if (next?.due != null) await this.ctx.storage.setAlarm(next.due);
  }
}
