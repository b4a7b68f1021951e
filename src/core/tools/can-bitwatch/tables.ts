import { formatLsbBitLabel, formatMsbBitLabel } from "../../can/bits.js"
import { addressHex } from "../shared/bit-columns.js"
import { formatNsAsDecimalSeconds } from "../../can/csv-format.js"
import { formatMmss, roundTo } from "../shared/time-format.js"
import type { WindowOnlyBit } from "./bitwatch-counts.js"
import type { BitwatchCounts } from "./bitwatch-counts.js"
import type { PulseHunt, WatchedEdge } from "./bitwatch-edges.js"
import { SEGMENT_NAMES } from "./segments.js"

/** Top payloads listed per segment in per_address.json. */
export const TOP_PAYLOADS = 5

/** counts.csv rows: frames per segment per (address, bus); delta = window − max(pre, post). */
export const countsRows = (counts: BitwatchCounts) =>
  counts.streams().map(s => {
    const [pre, win, post] = s.payloads.map(p => p.frames())
    return { address: addressHex(s.address), bus: s.bus, pre, window: win, post, delta: win - Math.max(pre, post) }
  })

/** counts.csv columns. */
export const COUNTS_COLUMNS = ["address", "bus", "pre", "window", "post", "delta"] as const

/** per_address.json: address → bus → segment → frames, unique and top payloads. */
export const perAddressJson = (counts: BitwatchCounts) => {
  const out: Record<string, Record<string, Record<string, unknown>>> = {}
  for (const s of counts.streams()) {
    const perBus = (out[addressHex(s.address)] ??= {})
    perBus[String(s.bus)] = Object.fromEntries(SEGMENT_NAMES.map((name, i) => [name, s.payloads[i].summary(TOP_PAYLOADS)]))
  }
  return out
}

const bitParts = (bit: number) => ({ byte: bit >> 3, msb_bit: 7 - (bit & 7), lsb_bit: bit & 7, global_idx: bit })

/** bit_edges.csv rows (old columns + bus); `rel` is signed mm:ss.mmm from the window start. */
export const edgeRows = (edges: ReadonlyArray<WatchedEdge>, windowStartNs: number) =>
  [...edges]
    .sort((a, b) => a.displayNs - b.displayNs || a.address - b.address || a.bus - b.bus || a.bit - b.bit)
    .map(e => ({
      address: addressHex(e.address),
      bus: e.bus,
      ...bitParts(e.bit),
      timestamp: formatNsAsDecimalSeconds(e.displayNs, 6),
      rel: formatMmss((e.displayNs - windowStartNs) / 1e9),
      edge: e.rising ? "0->1" : "1->0",
      segment: SEGMENT_NAMES[e.segment]
    }))

/** bit_edges.csv columns (the old tool's, plus bus). */
export const EDGE_COLUMNS = ["address", "bus", "byte", "msb_bit", "lsb_bit", "global_idx", "timestamp", "rel", "edge", "segment"] as const

/** candidates_window_only.csv rows. */
export const candidateRows = (bits: ReadonlyArray<WindowOnlyBit>) =>
  bits.map(b => ({
    address: addressHex(b.address),
    bus: b.bus,
    global_idx: b.bit,
    toggles: b.toggles,
    rises: b.rises,
    falls: b.falls,
    label_lsb: formatLsbBitLabel(b.bit),
    label_msb: formatMsbBitLabel(b.bit)
  }))

/** candidates_window_only.csv columns. */
export const CANDIDATE_COLUMNS = ["address", "bus", "global_idx", "toggles", "rises", "falls", "label_lsb", "label_msb"] as const

/** accel_hunt.csv rows: pulse durations (JSON list, s) and whether they match the hunted pattern. */
export const huntRows = (hunts: ReadonlyArray<PulseHunt>, count: number, seconds: number, tolerance: number) =>
  hunts.map(h => ({
    address: addressHex(h.address),
    bus: h.bus,
    global_idx: h.bit,
    pulses: JSON.stringify(h.pulses.map(d => roundTo(d, 3))),
    valid_three_2s: h.pulses.length === count && h.pulses.every(d => Math.abs(d - seconds) <= tolerance + 1e-9)
  }))

/** accel_hunt.csv columns (the old tool's, plus bus). */
export const HUNT_COLUMNS = ["address", "bus", "global_idx", "pulses", "valid_three_2s"] as const
