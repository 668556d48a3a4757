import * as store from "../../src/limits/gate-store";
import { GateSnapshot, type KillSwitchScope, type ReadTicket, UNVERSIONED } from "../../src/limits/gate-types";

export type Snapshot = import("zod").infer<typeof GateSnapshot>;

/**
 * The gate's configuration: the snapshot in force, stored in the object's SQL, and the read tickets that
 * order its replacement (see `configureGate` in src/limits/gate-snapshot.ts).
 */
export class GateConfiguration {
  private current: Snapshot | null;
  /**
   * A configurer takes a ticket before it reads D1, so tickets order the reads. New on every start, so a
   * ticket from before a restart is never taken for a current one.
   */
  private readonly ticketEpoch: string = crypto.randomUUID();
  private ticketsIssued = 0;
  /** The ticket of the snapshot in force (a read that began no earlier than any other applied). */
  private appliedTicket = 0;
  /** Tickets up to here were issued before the last pushed kill switch or revocation. */
  private pushedAfterTicket = 0;

  constructor(private readonly sql: SqlStorage) {
    this.current = store.readMeta<Snapshot>(sql, "snapshot") ?? null;
  }

  get snapshot(): Snapshot | null {
    return this.current;
  }

  readTicket(): ReadTicket {
    return { epoch: this.ticketEpoch, ticket: ++this.ticketsIssued };
  }

  /** See ProjectGate.configure for the three outcomes. */
  configure(snapshot: GateSnapshot, read?: ReadTicket): "applied" | "superseded" | "stale" {
    if (read) {
      if (read.epoch !== this.ticketEpoch || read.ticket <= this.pushedAfterTicket) return "stale";
      if (read.ticket < this.appliedTicket) return "superseded";
    }
    this.persist(GateSnapshot.parse(snapshot));
    this.appliedTicket = read?.ticket ?? this.ticketsIssued;
    return "applied";
  }

  /** See ProjectGate.setKillSwitch: false when there is no snapshot yet; stale versions are ignored. */
  setKillSwitch(scope: KillSwitchScope, enabled: boolean, version?: number): boolean {
    this.pushedAfterTicket = this.ticketsIssued;
    const snap = this.current;
    if (!snap) return false;
    // A snapshot stored before versions existed has none: every versioned push is newer.
    const versions = snap.killSwitchVersions ?? UNVERSIONED;
    if (version !== undefined && version <= versions[scope]) return true;
    this.persist({
      ...snap,
      killSwitches: { ...snap.killSwitches, [scope]: enabled },
      killSwitchVersions: { ...versions, [scope]: version ?? versions[scope] },
    });
    return true;
  }

  revokeKeys(ids: string[]): boolean {
    this.pushedAfterTicket = this.ticketsIssued;
    const snap = this.current;
    if (!snap) return false;
    const revoked = new Set([...snap.revokedKeyIds, ...ids]);
    this.persist({ ...snap, revokedKeyIds: [...revoked] });
    return true;
  }

  private persist(snapshot: Snapshot): void {
    store.writeMeta(this.sql, "snapshot", snapshot);
    this.current = snapshot;
  }
}
