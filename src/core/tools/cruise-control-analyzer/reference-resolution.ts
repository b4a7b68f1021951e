import { parseBitSpec, type BitSpec } from "../../can/bit-spec.js"
import { Either } from "effect"
import type { Dbc } from "../../dbc/dbc-types.js"
import { runEndNs, type BooleanRun, type BooleanRunTracker } from "../shared/boolean-runs.js"
import { intervalsWithin, type SampleSeries, type TimeInterval } from "../shared/sample-series.js"
import { pairMarkerWindows, type MarkerWindow } from "./marker-windows.js"
import type { CruiseControlParams } from "./params.js"
import { BOOLEAN_ROLES, type BooleanRole, type ReferenceData } from "./reference-signals.js"

/** A reference signal resolved to one bus. */
export interface ResolvedBoolean {
  readonly role: BooleanRole
  readonly name: string
  readonly address: number
  readonly bus: number
  /** Global LSB bit of a 1-bit signal (every role here is 1 bit). */
  readonly bit: number
  readonly runs: ReadonlyArray<BooleanRun>
  readonly tracker: BooleanRunTracker
}

/** The engaged source: the user's bit or the DBC's Cruise_Activated. */
export interface EngagedSource {
  readonly label: string
  readonly spec: BitSpec | undefined
  readonly address: number
  readonly bus: number
  readonly bit: number
  readonly runs: ReadonlyArray<BooleanRun>
}

/** Reference signals after the bus policy picked one bus per address. */
export interface ResolvedReferences {
  readonly booleans: Partial<Record<BooleanRole, ResolvedBoolean>>
  readonly speed: { readonly bus: number; readonly series: SampleSeries } | undefined
  readonly targetIntervals: ReadonlyArray<TimeInterval>
  readonly engaged: EngagedSource | undefined
  readonly windows: ReadonlyArray<MarkerWindow>
  /** `blinkers`, `presses` (marker_type none), or `presses (no blinker marker found)`. */
  readonly windowSource: string
}

const secondsToNs = (s: number) => Math.round(s * 1e9)

/** Picks, for every reference role, the stream on the bus the policy chose for its address. */
export const resolveReferences = (
  dbc: Dbc,
  data: ReferenceData,
  busMap: ReadonlyMap<number, number>,
  params: CruiseControlParams,
  logStartNs: number,
  logEndNs: number
): ResolvedReferences => {
  const booleans: Partial<Record<BooleanRole, ResolvedBoolean>> = {}
  for (const role of Object.keys(BOOLEAN_ROLES) as BooleanRole[]) {
    const [msgName, sigName] = BOOLEAN_ROLES[role]
    const message = dbc.messagesByName.get(msgName)
    if (!message) continue
    const bus = busMap.get(message.address)
    if (bus === undefined) continue
    const source = data.booleans.get(bus * 0x100000000 + message.address)?.find(b => b.role === role)
    if (!source) continue
    booleans[role] = {
      role,
      name: `${msgName}.${sigName}`,
      address: message.address,
      bus,
      bit: source.signal.bits[source.signal.bits.length - 1],
      runs: source.tracker.runs(),
      tracker: source.tracker
    }
  }

  const speedBus = data.speedMessage ? busMap.get(data.speedMessage.address) : undefined
  const series = speedBus === undefined ? undefined : data.speed.get(speedBus)
  const speed = series && speedBus !== undefined ? { bus: speedBus, series } : undefined
  const targetIntervals = speed ? intervalsWithin(speed.series, params.speed_min, params.speed_max) : []

  let engaged: EngagedSource | undefined
  if (params.engaged_bit !== undefined) {
    const spec = Either.getOrThrowWith(parseBitSpec(params.engaged_bit), e => e)
    const bus = params.engaged_bus ?? busMap.get(spec.address)
    const tracker = bus === undefined ? undefined : data.engaged.get(bus)
    if (tracker && bus !== undefined) {
      engaged = { label: spec.text, spec, address: spec.address, bus, bit: spec.bit, runs: tracker.runs() }
    }
  } else if (booleans.engaged) {
    const b = booleans.engaged
    engaged = { label: b.name, spec: undefined, address: b.address, bus: b.bus, bit: b.bit, runs: b.runs }
  }

  const config = {
    preNs: secondsToNs(params.marker_pre),
    postNs: secondsToNs(params.marker_post),
    timeoutNs: secondsToNs(params.marker_timeout)
  }
  const pressWindows = (): MarkerWindow[] =>
    [...(booleans.set?.runs ?? []), ...(booleans.resume?.runs ?? [])]
      .sort((a, b) => a.startNs - b.startNs)
      .map(r => ({
        markerStartNs: r.startNs,
        markerEndNs: runEndNs(r),
        startNs: Math.max(logStartNs, r.startNs - config.preNs),
        endNs: Math.min(logEndNs, runEndNs(r) + config.postNs),
        partial: false
      }))
  let windows: MarkerWindow[]
  let windowSource: string
  if (params.marker_type === "blinkers") {
    windows = pairMarkerWindows(
      (booleans.leftBlinker?.runs ?? []).map(r => r.startNs),
      (booleans.rightBlinker?.runs ?? []).map(r => r.startNs),
      config,
      logStartNs,
      logEndNs
    )
    windowSource = "blinkers"
    if (windows.length === 0) {
      windows = pressWindows()
      windowSource = "presses (no blinker marker found)"
    }
  } else {
    windows = pressWindows()
    windowSource = "presses"
  }
  return { booleans, speed, targetIntervals, engaged, windows, windowSource }
}

/** Engaged runs as intervals: [first on, first off after] (or the last on frame at the end of the log). */
export const engagedIntervals = (engaged: EngagedSource | undefined): TimeInterval[] =>
  (engaged?.runs ?? []).map(r => ({ startNs: r.startNs, endNs: runEndNs(r) }))
