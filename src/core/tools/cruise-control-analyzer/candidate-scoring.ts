import { bitValue } from "../../can/bits.js"
import type { StreamWindowStats } from "./window-bit-stats.js"

/** One bit's evidence for one window, and its score. */
export interface CandidateBit {
  readonly window: number
  readonly bus: number
  readonly address: number
  readonly bit: number
  readonly risesIn: number
  readonly fallsIn: number
  readonly togglesIn: number
  readonly togglesOutside: number
  readonly valueAtStart: 0 | 1
  readonly valueAtEnd: 0 | 1
  /** Rose and fell inside the window and ended where it started: a press-like pulse. */
  readonly pulse: boolean
  /** Share of the bit's edge rate that falls inside the window: rate_in / (rate_in + rate_out). */
  readonly specificity: number
  /** 2 for a pulse, 1 for a change that does not return (a state step). */
  readonly lineup: number
  /** What activity outside the window costs: lineup × (1 − specificity). */
  readonly penalty: number
  /** lineup − penalty, in [0, 2]; higher lines up better with the window. */
  readonly score: number
}

/** Pass-2 statistics plus the durations and suppression the scores need. */
export interface ScoringInput {
  readonly stats: ReadonlyArray<StreamWindowStats>
  readonly windowCount: number
  /** Analysed time inside each window, ns. */
  readonly windowDurationNs: ReadonlyArray<number>
  /** Analysed time outside every window, ns. */
  readonly outsideDurationNs: number
  /** Bits never ranked (checksums, counters, the marker's own bits), as `bus:address:bit` keys. */
  readonly suppressed: (bus: number, address: number, bit: number) => boolean
}

/**
 * Scores every bit that changed inside a window. A button pressed inside the window shows a pulse
 * (rise and fall, back to its starting value) whose edges concentrate in the window; state bits that
 * step in the window score at most 1, chattering bits lose to their outside activity. Sorted per
 * window by score, then fewer toggles, then bus, address, bit.
 */
export const scoreCandidates = (input: ScoringInput): CandidateBit[][] => {
  const perWindow: CandidateBit[][] = []
  const outSeconds = input.outsideDurationNs / 1e9
  for (let w = 0; w < input.windowCount; w++) {
    const inSeconds = input.windowDurationNs[w] / 1e9
    const rows: CandidateBit[] = []
    for (const st of input.stats) {
      const rises = st.risesIn[w]
      const falls = st.fallsIn[w]
      const start = st.startPayload[w]
      const end = st.endPayload[w]
      if (!start || !end) continue
      for (let g = 0; g < rises.length; g++) {
        const togglesIn = rises[g] + falls[g]
        if (togglesIn === 0 || input.suppressed(st.bus, st.address, g)) continue
        const valueAtStart = bitValue(start, g)
        const valueAtEnd = bitValue(end, g)
        const pulse = rises[g] > 0 && falls[g] > 0 && valueAtStart === valueAtEnd
        const rateIn = inSeconds > 0 ? togglesIn / inSeconds : togglesIn
        const rateOut = outSeconds > 0 ? st.togglesOutside[g] / outSeconds : 0
        const specificity = rateIn / (rateIn + rateOut)
        const lineup = pulse ? 2 : 1
        const penalty = lineup * (1 - specificity)
        rows.push({
          window: w,
          bus: st.bus,
          address: st.address,
          bit: g,
          risesIn: rises[g],
          fallsIn: falls[g],
          togglesIn,
          togglesOutside: st.togglesOutside[g],
          valueAtStart,
          valueAtEnd,
          pulse,
          specificity,
          lineup,
          penalty,
          score: lineup - penalty
        })
      }
    }
    rows.sort((a, b) => b.score - a.score || a.togglesIn - b.togglesIn || a.bus - b.bus || a.address - b.address || a.bit - b.bit)
    perWindow.push(rows)
  }
  return perWindow
}
