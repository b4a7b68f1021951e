import { createStreamIndex } from "../../can/stream-index.js"

const BYTES = 64
const BITS = BYTES * 8

/** How one bit compares with the signal over the frames of its stream. */
export interface BitSimilarity {
  readonly bus: number
  readonly address: number
  readonly bit: number
  readonly samples: number
  readonly samplesSignalTrue: number
  /** Share of samples where bit ≠ signal. */
  readonly mismatch: number
  /** Share of samples where bit ≠ NOT signal (= 1 − mismatch). */
  readonly invertedMismatch: number
  readonly inverted: boolean
  /** min(mismatch, invertedMismatch). */
  readonly best: number
  readonly toggles: number
}

interface StreamState {
  readonly bus: number
  readonly address: number
  samplesTrue: number
  samplesFalse: number
  has: boolean
  len: number
  maxLen: number
  readonly last: Uint8Array
  readonly onesWhenTrue: Uint32Array
  readonly onesWhenFalse: Uint32Array
  readonly toggles: Uint32Array
}

/**
 * For every (bus, address, bit), counts agreement with a boolean sampled at each frame (the value
 * in effect at the frame's time). Linear in frames, O(set bits) per frame; fixed memory per stream.
 */
export const createBitSimilarity = () => {
  const streams = createStreamIndex()
  const states: StreamState[] = []

  const observe = (bus: number, address: number, data: Uint8Array, signal: boolean) => {
    const s = streams.intern(bus, address)
    const st = (states[s] ??= {
      bus,
      address,
      samplesTrue: 0,
      samplesFalse: 0,
      has: false,
      len: 0,
      maxLen: 0,
      last: new Uint8Array(BYTES),
      onesWhenTrue: new Uint32Array(BITS),
      onesWhenFalse: new Uint32Array(BITS),
      toggles: new Uint32Array(BITS)
    })
    const n = Math.min(data.length, BYTES)
    const ones = signal ? st.onesWhenTrue : st.onesWhenFalse
    if (signal) st.samplesTrue++
    else st.samplesFalse++
    const span = Math.max(n, st.len)
    for (let i = 0; i < span; i++) {
      const cur = i < n ? data[i] : 0
      let set = cur
      while (set !== 0) {
        const low = set & -set
        ones[i * 8 + 31 - Math.clz32(low)]++
        set ^= low
      }
      if (st.has) {
        let diff = cur ^ st.last[i]
        while (diff !== 0) {
          const low = diff & -diff
          st.toggles[i * 8 + 31 - Math.clz32(low)]++
          diff ^= low
        }
      }
      st.last[i] = cur
    }
    st.len = n
    if (n > st.maxLen) st.maxLen = n
    st.has = true
  }

  /**
   * Ranked bits of streams with at least `minSamples` samples; bits that never change and bits
   * `suppressed` says are housekeeping (checksums, counters) are left out.
   */
  const rank = (minSamples: number, suppressed: (bus: number, address: number, bit: number) => boolean) => {
    const out: BitSimilarity[] = []
    let skippedStreams = 0
    let constantBits = 0
    let suppressedBits = 0
    for (const st of states) {
      const samples = st.samplesTrue + st.samplesFalse
      if (samples < minSamples) {
        skippedStreams++
        continue
      }
      const bits = st.maxLen * 8
      for (let g = 0; g < bits; g++) {
        if (st.toggles[g] === 0) {
          constantBits++
          continue
        }
        if (suppressed(st.bus, st.address, g)) {
          suppressedBits++
          continue
        }
        const a = st.onesWhenTrue[g]
        const b = st.onesWhenFalse[g]
        const mismatch = (st.samplesTrue - a + b) / samples
        const invertedMismatch = (a + st.samplesFalse - b) / samples
        out.push({
          bus: st.bus,
          address: st.address,
          bit: g,
          samples,
          samplesSignalTrue: st.samplesTrue,
          mismatch,
          invertedMismatch,
          inverted: invertedMismatch < mismatch,
          best: Math.min(mismatch, invertedMismatch),
          toggles: st.toggles[g]
        })
      }
    }
    out.sort((x, y) => x.best - y.best || y.samples - x.samples || x.address - y.address || x.bus - y.bus || x.bit - y.bit)
    return { bits: out, skippedStreams, constantBits, suppressedBits, streams: states.length }
  }

  return { observe, rank }
}
