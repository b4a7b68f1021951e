import type { BitTracker } from "../../can/bit-tracker.js"

/** One stretch where a bit was 1: from the frame that showed 1 to the first frame showing 0. */
export interface BitRun {
  readonly startNs: number
  /** First frame with 0 after the run, or the stream's last frame when the run lasted to the end. */
  readonly endNs: number
  readonly openAtEnd: boolean
}

/**
 * Runs of a bit reconstructed from a BitTracker that recorded its edges: the starting value is the
 * final value with every edge undone (edge-count parity).
 */
export const bitRuns = (tracker: BitTracker, bus: number, address: number, bit: number): BitRun[] => {
  const stats = tracker.stats(bus, address)
  const last = tracker.lastValue(bus, address, bit)
  if (!stats || last === undefined) return []
  const edges = tracker.edges.edgesOf(bus, address, bit)
  const startsOn = edges.length % 2 === 0 ? last === 1 : last === 0
  const out: BitRun[] = []
  let start: number | null = startsOn ? stats.firstTimeNs : null
  for (const e of edges) {
    if (e.rising) start = e.timeNs
    else if (start !== null) {
      out.push({ startNs: start, endNs: e.timeNs, openAtEnd: false })
      start = null
    }
  }
  if (start !== null) out.push({ startNs: start, endNs: stats.lastTimeNs, openAtEnd: true })
  return out
}
