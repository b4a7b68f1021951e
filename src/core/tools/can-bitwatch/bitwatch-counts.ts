import type { CanFrame } from "../../can/can-frame.js"
import { bytesToHex } from "../../can/hex.js"
import { diffAndStorePayload, storePayload } from "../../can/payload-diff.js"
import { createStreamIndex } from "../../can/stream-index.js"
import { createPayloadCounter, type PayloadCounter } from "./payload-counter.js"
import { segmentOf, type SegmentRule } from "./segments.js"

const BYTES = 64
const BITS = BYTES * 8

interface StreamState {
  readonly bus: number
  readonly address: number
  has: boolean
  len: number
  readonly last: Uint8Array
  /** Toggles per segment: [seg * BITS + bit]. */
  readonly toggles: Uint32Array
  readonly rises: Uint32Array
  readonly payloads: [PayloadCounter, PayloadCounter, PayloadCounter]
}

/** A bit that changed only inside the window. */
export interface WindowOnlyBit {
  readonly bus: number
  readonly address: number
  readonly bit: number
  readonly toggles: number
  readonly rises: number
  readonly falls: number
}

/**
 * Pass 1 of can-bitwatch: per (bus, address) frames and payloads per segment, and for every bit
 * the toggles per segment (a toggle belongs to the segment of the frame that shows the new value).
 * Linear in frames; memory per stream is fixed apart from the bounded payload counters.
 */
export const createBitwatchCounts = (rule: SegmentRule) => {
  const streams = createStreamIndex()
  const states: StreamState[] = []
  let windowFirstNs: number | undefined
  let windowLastNs: number | undefined
  let frames = 0
  const changed = new Uint32Array(BITS)

  const observe = (frame: CanFrame, displayNs: number) => {
    const seg = segmentOf(rule, frame, displayNs)
    if (seg === 1) {
      if (windowFirstNs === undefined || displayNs < windowFirstNs) windowFirstNs = displayNs
      if (windowLastNs === undefined || displayNs > windowLastNs) windowLastNs = displayNs
    }
    frames++
    const s = streams.intern(frame.src, frame.address)
    const st = (states[s] ??= {
      bus: frame.src,
      address: frame.address,
      has: false,
      len: 0,
      last: new Uint8Array(BYTES),
      toggles: new Uint32Array(3 * BITS),
      rises: new Uint32Array(BITS),
      payloads: [createPayloadCounter(), createPayloadCounter(), createPayloadCounter()]
    })
    const n = Math.min(frame.data.length, BYTES)
    const data = frame.data
    st.payloads[seg].add(bytesToHex(n === data.length ? data : data.subarray(0, n)))
    if (st.has) {
      const count = diffAndStorePayload(st.last, 0, st.len, data, n, changed)
      for (let k = 0; k < count; k++) {
        const g = changed[k] >> 1
        st.toggles[seg * BITS + g]++
        if ((changed[k] & 1) !== 0) st.rises[g]++
      }
    } else storePayload(st.last, 0, st.len, data, n)
    st.len = n
    st.has = true
  }

  const windowOnly = (): WindowOnlyBit[] => {
    const out: WindowOnlyBit[] = []
    for (const st of states) {
      for (let g = 0; g < BITS; g++) {
        const win = st.toggles[BITS + g]
        if (win > 0 && st.toggles[g] === 0 && st.toggles[2 * BITS + g] === 0) {
          out.push({ bus: st.bus, address: st.address, bit: g, toggles: win, rises: st.rises[g], falls: win - st.rises[g] })
        }
      }
    }
    return out.sort((a, b) => a.address - b.address || a.bus - b.bus || a.bit - b.bit)
  }

  return {
    observe,
    frames: () => frames,
    windowFirstNs: () => windowFirstNs,
    windowLastNs: () => windowLastNs,
    streams: () => states.map(st => ({ bus: st.bus, address: st.address, payloads: st.payloads })).sort((a, b) => a.address - b.address || a.bus - b.bus),
    windowOnly
  }
}

/** Pass-1 state of can-bitwatch. */
export type BitwatchCounts = ReturnType<typeof createBitwatchCounts>
