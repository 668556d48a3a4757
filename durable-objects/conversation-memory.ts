import { DurableObject } from "cloudflare:workers";
import { decodeTurns } from "../src/memory/turn";
import { trimToWindow } from "../src/memory/window";
import type { StoredMessage } from "../src/memory/types";

const DAY_MS = 86_400_000;
/** `memory_window` has no value above this, so a load without a window returns everything kept. */
const MAX_WINDOW_PAIRS = 100;

/**
 * Embedded conversation memory: one object per memory key (`idFromName(memoryKey(scope))`), so a
 * conversation is isolated by construction and no object grows past `memory_window` turns.
 *
 * Storage (SQLite): `turns(seq, body)` holds one JSON turn per row, oldest first; `meta('expires_at')` is
 * the retention deadline in epoch ms, renewed on every append. The alarm is set to that deadline and
 * deletes everything; `load` also checks it, because an alarm may fire late.
 *
 * Every method's storage work is synchronous SQL, so the runtime runs each call to completion before the
 * next: concurrent appends serialise and none is lost. Input is validated by the caller (src/memory/do-store.ts).
 */
export class ConversationMemory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS turns (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
       CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
    );
  }

  async load(windowPairs: number = MAX_WINDOW_PAIRS): Promise<StoredMessage[]> {
    if (this.purgeIfExpired()) return [];
    const rows = this.ctx.storage.sql.exec<{ body: string }>("SELECT body FROM turns ORDER BY seq").toArray();
    return trimToWindow(decodeTurns(rows.map((row) => row.body)), windowPairs);
  }

  /** `turn` is already-encoded JSON (see encodeTurn), so the size limit was checked before the RPC. */
  async append(turn: string, windowPairs: number, retentionDays: number): Promise<void> {
    if (windowPairs === 0) return this.clear();
    const sql = this.ctx.storage.sql;
    this.purgeIfExpired();
    sql.exec("INSERT INTO turns (body) VALUES (?)", turn);
    sql.exec("DELETE FROM turns WHERE seq NOT IN (SELECT seq FROM turns ORDER BY seq DESC LIMIT ?)", windowPairs);
    const expiresAt = Date.now() + retentionDays * DAY_MS;
    sql.exec("INSERT OR REPLACE INTO meta (name, value) VALUES ('expires_at', ?)", expiresAt);
    await this.ctx.storage.setAlarm(expiresAt);
  }

  async clear(): Promise<void> {
    this.clearSync();
    await this.ctx.storage.deleteAlarm();
  }

  /** Retention check, also reachable over RPC for an operator sweep; true if something was deleted. */
  async purgeExpired(): Promise<boolean> {
    return this.purgeIfExpired();
  }

  override async alarm(): Promise<void> {
    // A later append moves the deadline and the alarm with it; an early or stale alarm deletes nothing.
    if (!this.purgeIfExpired()) {
      const expiresAt = this.expiresAt();
      if (expiresAt !== null) await this.ctx.storage.setAlarm(expiresAt);
    }
  }

  private expiresAt(): number | null {
    const row = this.ctx.storage.sql
      .exec<{ value: number }>("SELECT value FROM meta WHERE name = 'expires_at'")
      .toArray()[0];
    return row ? row.value : null;
  }

  private purgeIfExpired(): boolean {
    const expiresAt = this.expiresAt();
    if (expiresAt === null || expiresAt > Date.now()) return false;
    this.clearSync();
    return true;
  }

  private clearSync(): void {
    this.ctx.storage.sql.exec("DELETE FROM turns; DELETE FROM meta;");
  }
}
