import { bytesToHex } from "../../can/hex.js"
import { diffAndStorePayload, storePayload } from "../../can/payload-diff.js"
import { createStreamIndex, type StreamIndex } from "../../can/stream-index.js"

/** An analysis window with the spans counted as "pre" and "post" around it. Times in ns, inclusive. */
export interface AnalysisWindow {
  readonly startNs: number
  readonly endNs: number
  readonly preStartNs: number
  readonly postEndNs: number
}

/** Per-window frame and payload counts of one stream. */
export interface SegmentCounts {
  readonly pre: number
  readonly window: number
  readonly post: number
  readonly uniqPre: number
  readonly uniqWindow: number
  readonly uniqPost: number
}

/** What pass 2 learned about one (bus, address) stream. Bit arrays are indexed by global LSB bit. */
export interface StreamWindowStats {
  readonly bus: number
  readonly address: number
  readonly frames: number
  readonly payloadBytes: number
  readonly counts: ReadonlyArray<SegmentCounts>
  readonly risesIn: ReadonlyArray<Uint32Array>
  readonly fallsIn: ReadonlyArray<Uint32Array>
  /** Edges outside every window (and inside the included time, in filter mode). */
  readonly togglesOutside: Uint32Array
  /** Payload in effect when each window starts (last before it, else the first inside); null if none. */
  readonly startPayload: ReadonlyArray<Uint8Array | null>
  /** Last payload at or before each window's end; null if the stream had no frame by then. */
  readonly endPayload: ReadonlyArray<Uint8Array | null>
}

/** Windows, bus policy and engaged filter of pass 2. */
export interface WindowBitStatsOptions {
  readonly windows: ReadonlyArray<AnalysisWindow>
  /** Which streams to analyse (bus policy). */
  readonly accept: (bus: number, address: number) => boolean
  /** Engaged-only filtering: frames for which this is false are skipped and break edge continuity. */
  readonly included?: (timeNs: number) => boolean
  readonly maxPayloadBytes?: number
}

interface StreamState {
  readonly key: { bus: number; address: number }
  frames: number
  has: boolean
  len: number
  maxLen: number
  readonly last: Uint8Array
  readonly bitCounts: Uint32Array
  readonly segFrames: Uint32Array
  readonly uniq: Array<Set<string>>
  readonly startSnap: Array<Uint8Array | null>
  readonly endSnap: Array<Uint8Array | null>
}

/**
 * Streaming per-window bit statistics (pass 2 of the cruise analysis): for every accepted stream,
 * rising/falling edges inside each window, edges outside all windows, frame and unique-payload
 * counts in the pre/window/post spans, and the payloads at each window's start and end. Linear in
 * frames; memory is O(streams × windows × bits) plus the unique payloads inside the spans.
 */
export const createWindowBitStats = (options: WindowBitStatsOptions) => {
  const windows = options.windows
  const W = windows.length
  const bytes = options.maxPayloadBytes ?? 64
  const bits = bytes * 8
  const streams: StreamIndex = createStreamIndex()
  const states: StreamState[] = []
  const changed = new Uint32Array(bits)

  const stateFor = (bus: number, address: number): StreamState => {
    const s = streams.intern(bus, address)
    return (states[s] ??= {
      key: { bus, address },
      frames: 0,
      has: false,
      len: 0,
      maxLen: 0,
      last: new Uint8Array(bytes),
      bitCounts: new Uint32Array((2 * W + 1) * bits),
      segFrames: new Uint32Array(3 * W),
      uniq: Array.from({ length: 3 * W }, () => new Set<string>()),
      startSnap: new Array(W).fill(null),
      endSnap: new Array(W).fill(null)
    })
  }

  const observe = (timeNs: number, bus: number, address: number, data: Uint8Array): void => {
    if (!options.accept(bus, address)) return
    const st = stateFor(bus, address)
    if (options.included && !options.included(timeNs)) {
      st.has = false
      return
    }
    const n = Math.min(data.length, bytes)
    const payload = n === data.length ? data : data.subarray(0, n)
    let inAny = false
    let hex: string | null = null
    for (let w = 0; w < W; w++) {
      const win = windows[w]
      if (timeNs < win.preStartNs || timeNs > win.postEndNs) continue
      const seg = timeNs < win.startNs ? 0 : timeNs <= win.endNs ? 1 : 2
      st.segFrames[3 * w + seg]++
      st.uniq[3 * w + seg].add((hex ??= bytesToHex(payload)))
      if (seg === 1) {
        inAny = true
        if (st.startSnap[w] === null) st.startSnap[w] = st.has ? st.last.slice(0, st.len) : payload.slice()
        st.endSnap[w] = payload.slice()
      }
    }
    if (st.has) {
      const count = diffAndStorePayload(st.last, 0, st.len, payload, n, changed)
      for (let k = 0; k < count; k++) {
        const g = changed[k] >> 1
        const up = (changed[k] & 1) !== 0
        if (inAny) {
          for (let w = 0; w < W; w++) {
            if (timeNs >= windows[w].startNs && timeNs <= windows[w].endNs) st.bitCounts[(2 * w + (up ? 0 : 1)) * bits + g]++
          }
        } else st.bitCounts[2 * W * bits + g]++
      }
    } else storePayload(st.last, 0, st.len, payload, n)
    st.len = n
    if (n > st.maxLen) st.maxLen = n
    st.has = true
    st.frames++
  }

  const results = (): StreamWindowStats[] =>
    states.map(st => ({
      bus: st.key.bus,
      address: st.key.address,
      frames: st.frames,
      payloadBytes: st.maxLen,
      counts: Array.from({ length: W }, (_, w) => ({
        pre: st.segFrames[3 * w],
        window: st.segFrames[3 * w + 1],
        post: st.segFrames[3 * w + 2],
        uniqPre: st.uniq[3 * w].size,
        uniqWindow: st.uniq[3 * w + 1].size,
        uniqPost: st.uniq[3 * w + 2].size
      })),
      risesIn: Array.from({ length: W }, (_, w) => st.bitCounts.subarray(2 * w * bits, (2 * w + 1) * bits)),
      fallsIn: Array.from({ length: W }, (_, w) => st.bitCounts.subarray((2 * w + 1) * bits, (2 * w + 2) * bits)),
      togglesOutside: st.bitCounts.subarray(2 * W * bits, (2 * W + 1) * bits),
      startPayload: st.startSnap,
      endPayload: st.endSnap
    }))

  return { observe, results }
}
