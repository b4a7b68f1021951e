import type { CanFrame } from "../can/can-frame.js"

/** Which decoded view an event carries: `other` = a schema member not decoded here, `unknown` = a tag the schema lacks. */
export type EventWhich = "can" | "sendcan" | "carState" | "pandaStates" | "initData" | "sentinel" | "other" | "unknown"

/** `carState.cruiseState` fields. */
export interface CruiseState {
  readonly enabled: boolean
  readonly available: boolean
  /** Set speed, m/s. */
  readonly speed: number
}

/** The `carState` fields cts-lite reads (car.capnp `CarState`). Speeds m/s, pedals 0–1. */
export interface CarState {
  readonly vEgo: number
  readonly aEgo: number
  readonly vEgoRaw: number
  readonly gas: number
  readonly gasPressed: boolean
  readonly brake: number
  readonly brakePressed: boolean
  readonly steeringAngleDeg: number
  readonly steeringTorque: number
  readonly standstill: boolean
  readonly leftBlinker: boolean
  readonly rightBlinker: boolean
  readonly canValid: boolean
  /** `GearShifter` enum name, e.g. `drive`. */
  readonly gearShifter: string
  readonly cruiseState: CruiseState
}

/** The `PandaState` fields cts-lite reads (log.capnp). */
export interface PandaState {
  readonly controlsAllowed: boolean
  /** `CarParams.SafetyModel` name, e.g. `toyota`, `subaru`. */
  readonly safetyModel: string
  /** Raw `SafetyModel` value. */
  readonly safetyModelId: number
  readonly safetyParam: number
  readonly safetyRxInvalid: number
  readonly safetyRxChecksInvalid: boolean
  readonly ignitionLine: boolean
  /** `PandaType` enum name, e.g. `tres`. */
  readonly pandaType: string
}

/** The `InitData` fields cts-lite reads. */
export interface InitData {
  readonly dongleId: string
  /** `DeviceType` enum name, e.g. `tici`. */
  readonly deviceType: string
  readonly version: string
  readonly gitCommit: string
  readonly gitBranch: string
  /** Unix epoch time, ns. */
  readonly wallTimeNanos: bigint
}

/** One cereal `Event`: its header, and a typed view for the members cts-lite decodes. */
export interface LogEvent {
  /** Monotonic time, ns (exact below 2^53 ns ≈ 104 days of uptime). */
  readonly logMonoTime: number
  readonly valid: boolean
  /** Union discriminant (`EVENT_TAG_NAMES[tag]` names it). */
  readonly tag: number
  readonly which: EventWhich
  /** Frames of a `can` or `sendcan` event; each frame's `timeNs` is `logMonoTime`. */
  readonly can?: ReadonlyArray<CanFrame>
  readonly carState?: CarState
  readonly pandaStates?: ReadonlyArray<PandaState>
  readonly initData?: InitData
  readonly sentinel?: { readonly type: string }
}
