import { safetyModeName } from "../../panda/panda-protocol.js"
import type { PandaHealth } from "../../panda/panda-structs.js"

/** The panda state a `panda-state` event reports; null where the source does not carry the field (a log has no voltage). */
export interface PandaStateRecord {
  readonly controls_allowed: boolean
  readonly safety_mode: string
  readonly safety_mode_id: number
  readonly safety_param: number
  readonly safety_rx_invalid: number
  readonly safety_rx_checks_invalid: number
  readonly ignition_line: boolean
  readonly ignition_can: boolean | null
  readonly faults: number | null
  readonly fault_status: number | null
  readonly heartbeat_lost: boolean | null
  readonly voltage_mv: number | null
  readonly current_ma: number | null
}

/** Fields whose change is an event; voltage and current vary with every reading, so they only travel along. */
const WATCHED = [
  "controls_allowed",
  "safety_mode_id",
  "safety_param",
  "safety_rx_invalid",
  "safety_rx_checks_invalid",
  "ignition_line",
  "ignition_can",
  "faults",
  "fault_status",
  "heartbeat_lost"
] as const satisfies ReadonlyArray<keyof PandaStateRecord>

/** A state record from a health reading; `full` = false for a recorded `PandaState` (no voltage, current, faults). */
export const stateOfHealth = (h: Partial<PandaHealth>, full: boolean): PandaStateRecord => {
  const opt = <T>(v: T): T | null => (full ? v : null)
  return {
    controls_allowed: (h.controlsAllowed ?? 0) !== 0,
    safety_mode: safetyModeName(h.safetyMode ?? 0),
    safety_mode_id: h.safetyMode ?? 0,
    safety_param: h.safetyParam ?? 0,
    safety_rx_invalid: h.safetyRxInvalid ?? 0,
    safety_rx_checks_invalid: h.safetyRxChecksInvalid ?? 0,
    ignition_line: (h.ignitionLine ?? 0) !== 0,
    ignition_can: opt((h.ignitionCan ?? 0) !== 0),
    faults: opt(h.faults ?? 0),
    fault_status: opt(h.faultStatus ?? 0),
    heartbeat_lost: opt((h.heartbeatLost ?? 0) !== 0),
    voltage_mv: opt(h.voltage ?? 0),
    current_ma: opt(h.current ?? 0)
  }
}

/** One change: the time (s from the source's start), the fields that changed, and the whole new state. */
export interface StateChange {
  readonly t_s: number
  readonly changed: ReadonlyArray<string>
  readonly state: PandaStateRecord
}

/** Keeps the last state; `next` returns a change when a watched field differs (the first reading is one). */
export const createStateChanges = () => {
  let last: PandaStateRecord | undefined
  let readings = 0
  return {
    next(t_s: number, state: PandaStateRecord): StateChange | undefined {
      readings++
      const changed = last === undefined ? ["initial"] : WATCHED.filter(k => state[k] !== last![k])
      last = state
      return changed.length > 0 ? { t_s: Number(t_s.toFixed(3)), changed, state } : undefined
    },
    get readings() {
      return readings
    }
  }
}

/** A change as one run-log line, e.g. `state at 40.205 s: controls_allowed true (safety subaru/0, …)`. */
export const describeChange = (c: StateChange): string => {
  const s = c.state
  const what = c.changed[0] === "initial" ? "initial" : c.changed.map(k => `${k} ${String(s[k as keyof PandaStateRecord])}`).join(", ")
  const power = s.voltage_mv === null ? "" : `, ${(s.voltage_mv / 1000).toFixed(2)} V ${s.current_ma} mA`
  return `state at ${c.t_s.toFixed(3)} s: ${what} (controls_allowed ${s.controls_allowed}, safety ${s.safety_mode}/${s.safety_param}, rx_invalid ${s.safety_rx_invalid}, ignition ${s.ignition_line}${s.faults === null ? "" : `, faults 0x${s.faults.toString(16)}`}${power})`
}
