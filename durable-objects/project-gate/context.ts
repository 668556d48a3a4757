import type { AlarmSchedule } from "../../src/limits/alarm-schedule";
import type { GateState } from "../../src/limits/gate-state";
import type { GateConfiguration } from "./configuration";
import type { RateWindows } from "./rate-windows";

/**
 * What the gate's concerns (admission, settlement, alarm and flush) share. ProjectGate builds one and passes
 * it to each module, so the modules hold no state of their own and the object stays the one owner.
 */
export interface GateContext {
  readonly env: Env;
  readonly storage: DurableObjectStorage;
  readonly sql: SqlStorage;
  /** Counters and open reservations, written behind (src/limits/gate-state.ts). */
  readonly state: GateState;
  readonly alarms: AlarmSchedule;
  /** The snapshot in force and the read tickets that order its replacement. */
  readonly config: GateConfiguration;
  readonly windows: RateWindows;
}
