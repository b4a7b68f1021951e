import type { CanFrame } from "../../can/can-frame.js"
import { segmentOf, type SegmentIndex, type SegmentRule } from "./segments.js"

/** A watched bit: one address on every bus (`bus` undefined) or on one bus. */
export interface WatchedBit {
  readonly bus?: number
  readonly address: number
  readonly bit: number
}

/** One edge of a watched bit. */
export interface WatchedEdge {
  readonly bus: number
  readonly address: number
  readonly bit: number
  /** Display time (window time base), ns. */
  readonly displayNs: number
  readonly rising: boolean
  readonly segment: SegmentIndex
}

/** High pulses of one bit inside the window, s. */
export interface PulseHunt {
  readonly bus: number
  readonly address: number
  readonly bit: number
  readonly pulses: number[]
}

interface BitState {
  readonly bus: number
  readonly address: number
  readonly bit: number
  value: 0 | 1 | -1
  riseNs: number | null
  inWindowState: 0 | 1
  readonly pulses: number[]
  readonly hunt: boolean
}

const bitOf = (data: Uint8Array, g: number): 0 | 1 => (g >> 3 < data.length ? (data[g >> 3] >> (g & 7)) & 1 : 0) as 0 | 1

/**
 * Pass 2 of can-bitwatch: edges of the watched bits (with their segment), and for the hunted bits
 * the durations of their high pulses inside [windowStart, windowEnd] (a pulse still high at the end
 * is closed there; a bit already high at the start counts from its next rise).
 */
export const createBitwatchEdges = (
  rule: SegmentRule,
  watched: ReadonlyArray<WatchedBit>,
  hunted: ReadonlyArray<Required<WatchedBit>>,
  windowStartNs: number,
  windowEndNs: number
) => {
  const byAddress = new Map<number, Array<{ w: WatchedBit; hunt: boolean }>>()
  for (const w of watched) byAddress.set(w.address, [...(byAddress.get(w.address) ?? []), { w, hunt: false }])
  for (const w of hunted) byAddress.set(w.address, [...(byAddress.get(w.address) ?? []), { w, hunt: true }])
  const states = new Map<string, BitState>()
  const edges: WatchedEdge[] = []

  const observe = (frame: CanFrame, displayNs: number) => {
    const specs = byAddress.get(frame.address)
    if (!specs) return
    const seg = segmentOf(rule, frame, displayNs)
    for (const { w, hunt } of specs) {
      if (w.bus !== undefined && w.bus !== frame.src) continue
      const key = `${hunt ? "h" : "w"}:${frame.src}:${frame.address}:${w.bit}`
      let st = states.get(key)
      if (!st) {
        st = { bus: frame.src, address: frame.address, bit: w.bit, value: -1, riseNs: null, inWindowState: 0, pulses: [], hunt }
        states.set(key, st)
      }
      const v = bitOf(frame.data, w.bit)
      const changed = st.value !== -1 && v !== st.value
      if (!hunt && changed) edges.push({ bus: st.bus, address: st.address, bit: st.bit, displayNs, rising: v === 1, segment: seg })
      if (hunt) {
        if (displayNs <= windowStartNs) st.inWindowState = v
        else if (displayNs <= windowEndNs) {
          if (changed && st.inWindowState === 0 && v === 1) {
            st.riseNs = displayNs
            st.inWindowState = 1
          } else if (changed && st.inWindowState === 1 && v === 0) {
            if (st.riseNs !== null) st.pulses.push((displayNs - st.riseNs) / 1e9)
            st.riseNs = null
            st.inWindowState = 0
          }
        }
      }
      st.value = v
    }
  }

  const pulses = (): PulseHunt[] =>
    [...states.values()]
      .filter(s => s.hunt)
      .map(s => ({
        bus: s.bus,
        address: s.address,
        bit: s.bit,
        pulses: s.inWindowState === 1 && s.riseNs !== null && windowEndNs > windowStartNs ? [...s.pulses, (windowEndNs - s.riseNs) / 1e9] : [...s.pulses]
      }))
      .sort((a, b) => a.address - b.address || a.bus - b.bus || a.bit - b.bit)

  return { observe, edges: () => edges, pulses }
}
