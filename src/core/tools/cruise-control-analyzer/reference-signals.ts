import type { CanFrame } from "../../can/can-frame.js"
import { decodeSignal } from "../../dbc/dbc-decode.js"
import type { Dbc, DbcMessage, DbcSignal } from "../../dbc/dbc-types.js"
import { createBooleanRunTracker, type BooleanRunTracker } from "../shared/boolean-runs.js"
import { createSampleSeries, type SampleSeries } from "../shared/sample-series.js"

const KPH_PER_MPH = 1.609344

/** The boolean DBC signals the analysis follows, by role. */
export const BOOLEAN_ROLES = {
  set: ["Cruise_Buttons", "Set"],
  resume: ["Cruise_Buttons", "Resume"],
  main: ["Cruise_Buttons", "Main"],
  mainOn: ["CruiseControl", "Cruise_On"],
  engaged: ["CruiseControl", "Cruise_Activated"],
  brake: ["Brake_Status", "Brake"],
  leftBlinker: ["Dashlights", "LEFT_BLINKER"],
  rightBlinker: ["Dashlights", "RIGHT_BLINKER"],
  cancel: ["ES_Distance", "Cruise_Cancel"]
} as const satisfies Record<string, readonly [string, string]>

/** A reference role (set, resume, main, engaged, blinkers…). */
export type BooleanRole = keyof typeof BOOLEAN_ROLES

/** DBC message that carries the wheel speeds. */
export const SPEED_MESSAGE = "Wheel_Speeds"
/** Wheel_Speeds signals whose mean is the vehicle speed. */
export const SPEED_SIGNALS = ["FL", "FR", "RL", "RR"] as const

/** A decoded boolean signal of one stream: where it came from and its runs. */
export interface BooleanSource {
  readonly role: BooleanRole
  readonly message: DbcMessage
  readonly signal: DbcSignal
  readonly bus: number
  readonly tracker: BooleanRunTracker
}

/** The single raw bit the user named as "engaged", followed on every bus. */
export interface EngagedBitSpec {
  readonly address: number
  readonly bit: number
}

interface PerBus<T> {
  readonly byBus: Map<number, T>
}

/**
 * Pass 1 of the cruise analysis: per (bus, address) frame counts, and for every bus separately the
 * decoded DBC reference signals (speed, buttons, blinkers, cruise state, brake) and the engaged bit.
 * Buses are never merged; which bus serves as the reference is decided afterwards (bus policy).
 */
export const createReferenceCollector = (dbc: Dbc, engagedBit: EngagedBitSpec | undefined) => {
  const frameCounts = new Map<number, Map<number, number>>()
  let firstFrameNs: number | undefined
  let lastFrameNs: number | undefined

  const booleansByAddress = new Map<number, Array<{ role: BooleanRole; message: DbcMessage; signal: DbcSignal }>>()
  for (const [role, [msgName, sigName]] of Object.entries(BOOLEAN_ROLES) as Array<[BooleanRole, readonly [string, string]]>) {
    const message = dbc.messagesByName.get(msgName)
    const signal = message?.signalsByName.get(sigName)
    if (!message || !signal) continue
    const list = booleansByAddress.get(message.address) ?? []
    list.push({ role, message, signal })
    booleansByAddress.set(message.address, list)
  }
  const speedMessage = dbc.messagesByName.get(SPEED_MESSAGE)
  const speedSignals = speedMessage ? SPEED_SIGNALS.map(n => speedMessage.signalsByName.get(n)) : []
  const speedUsable = speedMessage !== undefined && speedSignals.every(s => s !== undefined)

  const booleans: PerBus<BooleanSource[]> = { byBus: new Map() }
  const speed: PerBus<SampleSeries> = { byBus: new Map() }
  const engaged: PerBus<BooleanRunTracker> = { byBus: new Map() }

  const observe = (f: CanFrame): void => {
    const t = f.timeNs
    if (firstFrameNs === undefined) firstFrameNs = t
    lastFrameNs = t
    let perAddr = frameCounts.get(f.src)
    if (!perAddr) frameCounts.set(f.src, (perAddr = new Map()))
    perAddr.set(f.address, (perAddr.get(f.address) ?? 0) + 1)

    const roles = booleansByAddress.get(f.address)
    if (roles) {
      let list = booleans.byBus.get(f.src * 0x100000000 + f.address)
      if (!list) {
        list = roles.map(r => ({ ...r, bus: f.src, tracker: createBooleanRunTracker() }))
        booleans.byBus.set(f.src * 0x100000000 + f.address, list)
      }
      for (const b of list) if (b.signal.plan.minLength <= f.data.length) b.tracker.push(t, decodeSignal(b.signal, f.data) !== 0)
    }
    if (speedUsable && f.address === speedMessage!.address && speedSignals[0]!.plan.minLength <= f.data.length) {
      let series = speed.byBus.get(f.src)
      if (!series) speed.byBus.set(f.src, (series = createSampleSeries()))
      let kph = 0
      for (const s of speedSignals) kph += decodeSignal(s!, f.data)
      series.push(t, kph / speedSignals.length / KPH_PER_MPH)
    }
    if (engagedBit && f.address === engagedBit.address) {
      let tracker = engaged.byBus.get(f.src)
      if (!tracker) engaged.byBus.set(f.src, (tracker = createBooleanRunTracker()))
      const byte = engagedBit.bit >> 3
      tracker.push(t, byte < f.data.length && ((f.data[byte] >> (engagedBit.bit & 7)) & 1) === 1)
    }
  }

  return {
    observe,
    result: () => ({
      frameCounts,
      firstFrameNs,
      lastFrameNs,
      /** Boolean sources keyed by `src · 2^32 + address`. */
      booleans: booleans.byBus,
      /** Speed (mph) per src. */
      speed: speed.byBus,
      /** Engaged-bit runs per src. */
      engaged: engaged.byBus,
      speedMessage: speedUsable ? speedMessage : undefined
    })
  }
}

/** What pass 1 collected. */
export type ReferenceData = ReturnType<ReturnType<typeof createReferenceCollector>["result"]>
