import { Either } from "effect"
import { parseBitSpec } from "../../can/bit-spec.js"
import type { CanFrame } from "../../can/can-frame.js"
import { createBitTracker, type BitTracker } from "../../can/bit-tracker.js"
import { createChecksumCounterDetector } from "../../can/checksum-counter-detector.js"
import { formatCanAddress } from "../../can/csv-format.js"
import type { Dbc } from "../../dbc/dbc-types.js"
import { ToolError, ValidationError } from "../../errors.js"
import { chooseBusByAddress, framesOnChoice } from "../shared/bus-policy.js"
import { createIntervalCursor, expandIntervals, intersectIntervals, measureIntervals } from "../shared/intervals.js"
import type { TimeInterval } from "../shared/sample-series.js"
import { scoreCandidates, type CandidateBit } from "./candidate-scoring.js"
import type { CruiseControlParams } from "./params.js"
import { requireSubaruReferences } from "./log-support.js"
import { createReferenceCollector, type ReferenceData } from "./reference-signals.js"
import { engagedIntervals, resolveReferences, type ResolvedReferences } from "./reference-resolution.js"
import { buildSuppression, type Suppression } from "./suppression.js"
import { createWindowBitStats, type AnalysisWindow, type StreamWindowStats } from "./window-bit-stats.js"

/** Top candidates per window whose edges and runs are exported. */
export const EXPORTED_BITS_PER_WINDOW = 10

/** Opens pass `index` over the log's `can` frames; `logStartNs` is known once pass 0 has finished. */
export type OpenFramePass = (index: number) => {
  readonly batches: AsyncIterable<ReadonlyArray<CanFrame>>
  readonly logStartNs: () => number | undefined
}

/** What analyzeCruise needs: the DBC, decoded params and a re-openable frame source. */
export interface CruiseAnalysisInput {
  readonly toolId: string
  readonly dbc: Dbc
  readonly params: CruiseControlParams
  readonly openPass: OpenFramePass
  readonly signal: AbortSignal
}

/** A watched bit of the edges/runs export. */
export interface ExportedBit {
  readonly bus: number
  readonly address: number
  readonly bit: number
}

/** Everything the writers need. Times in ns (absolute logMonoTime). */
export interface CruiseAnalysis {
  readonly originNs: number
  readonly lastFrameNs: number
  readonly frames: number
  readonly frameCounts: ReferenceData["frameCounts"]
  readonly busMap: ReadonlyMap<number, number>
  readonly refs: ResolvedReferences
  readonly engagedIntervals: ReadonlyArray<TimeInterval>
  readonly includedIntervals: ReadonlyArray<TimeInterval> | undefined
  readonly windows: ReadonlyArray<AnalysisWindow>
  readonly windowStats: ReadonlyArray<StreamWindowStats>
  readonly candidates: ReadonlyArray<ReadonlyArray<CandidateBit>>
  readonly suppression: Suppression
  readonly exported: ReadonlyArray<ExportedBit>
  readonly tracker: BitTracker
}

const checkAbort = (signal: AbortSignal) => {
  if (signal.aborted) throw signal.reason ?? new Error("aborted")
}

/** Runs the three linear passes over the log and returns the analysis (no output written). */
export const analyzeCruise = async (input: CruiseAnalysisInput): Promise<CruiseAnalysis> => {
  const { params, dbc, signal } = input
  if (params.speed_min > params.speed_max) {
    throw new ValidationError({
      code: "invalid_params",
      message: `speed_min (${params.speed_min}) is above speed_max (${params.speed_max}).`,
      suggestedAction: "Give speed_min ≤ speed_max, e.g. 55 and 56."
    })
  }
  const engagedBit = params.engaged_bit === undefined ? undefined : Either.getOrThrowWith(parseBitSpec(params.engaged_bit), e => e)

  const collector = createReferenceCollector(dbc, engagedBit)
  const detector = createChecksumCounterDetector()
  const pass0 = input.openPass(0)
  for await (const batch of pass0.batches) {
    checkAbort(signal)
    for (const f of batch) {
      collector.observe(f)
      detector.observe(f.src, f.address, f.data)
    }
  }
  const data = collector.result()
  if (data.firstFrameNs === undefined || data.lastFrameNs === undefined) {
    throw new ToolError({
      code: "no_can_frames",
      message: `${input.toolId}: the log has no CAN frames.`,
      suggestedAction: "Pass an rlog/qlog recorded with the car's CAN (a `can` service), not an empty or CAN-less log."
    })
  }
  if (framesOnChoice(data.frameCounts, params.bus) === 0) {
    const present = [...data.frameCounts.keys()].sort((a, b) => a - b)
    throw new ToolError({
      code: "no_can_on_bus",
      message: `${input.toolId}: no CAN frames on ${params.bus === "auto" ? "any received bus" : `bus ${params.bus}`}; the log has frames on src ${present.join(", ")}.`,
      suggestedAction: `Choose one of the buses present (${present.join(", ")}) or bus "auto".`,
      details: { bus: params.bus, present }
    })
  }
  const busMap = chooseBusByAddress(data.frameCounts, params.bus)
  requireSubaruReferences({
    toolId: input.toolId,
    dbc,
    engagedBit,
    bus: params.bus,
    presentAddresses: busMap.size,
    framesOf: name => {
      const address = dbc.messagesByName.get(name)?.address
      const bus = address === undefined ? undefined : busMap.get(address)
      return bus === undefined ? 0 : (data.frameCounts.get(bus)?.get(address!) ?? 0)
    }
  })
  const originNs = pass0.logStartNs() ?? data.firstFrameNs
  const refs = resolveReferences(dbc, data, busMap, params, data.firstFrameNs, data.lastFrameNs)
  if (engagedBit && !refs.engaged) {
    const bus = params.engaged_bus ?? busMap.get(engagedBit.address)
    throw new ToolError({
      code: "engaged_bit_not_found",
      message: `${input.toolId}: engaged_bit ${engagedBit.text}: address ${formatCanAddress(engagedBit.address)} has no frames${bus === undefined ? " on the analysed buses" : ` on bus ${bus}`}.`,
      suggestedAction: "Check the address and engaged_bus against the log's messages (rlog-to-csv lists them).",
      details: { engagedBit: engagedBit.text, bus }
    })
  }
  const engaged = engagedIntervals(refs.engaged)
  const includedIntervals = params.engaged_mode === "filter" ? expandIntervals(engaged, Math.round(params.engaged_margin * 1e9)) : undefined

  const windows: AnalysisWindow[] = refs.windows.map(w => {
    const len = w.endNs - w.startNs
    return { startNs: w.startNs, endNs: w.endNs, preStartNs: w.startNs - len, postEndNs: w.endNs + len }
  })
  const markerBits = [refs.booleans.leftBlinker, refs.booleans.rightBlinker]
    .filter(b => b !== undefined && refs.windowSource === "blinkers")
    .map(b => ({ bus: b!.bus, address: b!.address, bit: b!.bit }))
  const suppression = buildSuppression(dbc, detector, markerBits)

  const stats = createWindowBitStats({
    windows,
    accept: (bus, address) => busMap.get(address) === bus,
    ...(includedIntervals ? { included: createIntervalCursor(includedIntervals) } : {})
  })
  for await (const batch of input.openPass(1).batches) {
    checkAbort(signal)
    for (const f of batch) stats.observe(f.timeNs, f.src, f.address, f.data)
  }
  const windowStats = stats.results()
  const logSpan: TimeInterval[] = [{ startNs: data.firstFrameNs, endNs: data.lastFrameNs }]
  const analysed = includedIntervals ? intersectIntervals(logSpan, includedIntervals) : logSpan
  const windowSpans = windows.map(w => ({ startNs: w.startNs, endNs: w.endNs }))
  const windowDurationNs = windowSpans.map(w => measureIntervals(intersectIntervals([w], analysed)))
  const outsideDurationNs = measureIntervals(analysed) - measureIntervals(intersectIntervals(windowSpans, analysed))
  const candidates = scoreCandidates({
    stats: windowStats,
    windowCount: windows.length,
    windowDurationNs,
    outsideDurationNs,
    suppressed: suppression.isSuppressed
  })

  const exportedKeys = new Map<string, ExportedBit>()
  for (const list of candidates)
    for (const c of list.slice(0, EXPORTED_BITS_PER_WINDOW)) exportedKeys.set(`${c.bus}:${c.address}:${c.bit}`, { bus: c.bus, address: c.address, bit: c.bit })
  if (refs.engaged) {
    const e = refs.engaged
    exportedKeys.set(`${e.bus}:${e.address}:${e.bit}`, { bus: e.bus, address: e.address, bit: e.bit })
  }
  const exported = [...exportedKeys.values()]
  const exportedStreams = new Set(exported.map(b => b.bus * 0x100000000 + b.address))
  const tracker = createBitTracker({ edges: exported })
  const included = includedIntervals ? createIntervalCursor(includedIntervals) : () => true
  for await (const batch of exported.length > 0 ? input.openPass(2).batches : []) {
    checkAbort(signal)
    for (const f of batch) {
      if (exportedStreams.has(f.src * 0x100000000 + f.address) && included(f.timeNs)) tracker.observe(f.timeNs, f.src, f.address, f.data)
    }
  }

  return {
    originNs,
    lastFrameNs: data.lastFrameNs,
    frames: [...data.frameCounts.values()].reduce((s, m) => s + [...m.values()].reduce((a, b) => a + b, 0), 0),
    frameCounts: data.frameCounts,
    busMap,
    refs,
    engagedIntervals: engaged,
    includedIntervals,
    windows,
    windowStats,
    candidates,
    suppression,
    exported,
    tracker
  }
}
