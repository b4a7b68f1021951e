import { growTypedArray } from "../util/grow-typed-array.js"
import { MAX_PAYLOAD_BYTES } from "./bit-spec.js"
import { diffAndStorePayload, storePayload } from "./payload-diff.js"
import { createEdgeLog, type BitEdge, type EdgeLog } from "./edge-log.js"
import { createStreamIndex, type StreamIndex } from "./stream-index.js"

/** Which bits a BitTracker records edges for. */
export type EdgeSelection =
  | "none"
  | "all"
  /** Only these bits; `bus` omitted = that address on every bus. */
  | ReadonlyArray<{ readonly bus?: number; readonly address: number; readonly bit: number }>

export interface BitTrackerOptions {
  /** Payload bytes tracked per frame (default 64, CAN FD); later bytes are ignored. */
  readonly maxPayloadBytes?: number
  /** Record edges into `edges` (default "none": only counts). */
  readonly edges?: EdgeSelection
  /** Called for every recorded edge, as it happens. */
  readonly onEdge?: (edge: BitEdge) => void
}

/** Per-stream bit statistics; arrays are views indexed by global LSB bit, valid until the next observe. */
export interface StreamBitStats {
  readonly bus: number
  readonly address: number
  readonly frames: number
  readonly firstTimeNs: number
  readonly lastTimeNs: number
  /** 0 → 1 changes per bit. */
  readonly rises: Uint32Array
  /** 1 → 0 changes per bit. */
  readonly falls: Uint32Array
  /** Last payload seen (zero-padded to maxPayloadBytes). */
  readonly lastPayload: Uint8Array
}

/**
 * Streaming per-(bus, address, bit) toggle tracker: rise/fall counts, last value, frame counts and
 * optional edges with times. Linear in frames; the first frame of a stream sets the initial values
 * and counts no edge. A shorter payload reads as zero-padded (as the old tools' u64 comparison).
 */
export interface BitTracker {
  readonly observe: (timeNs: number, bus: number, address: number, data: Uint8Array) => void
  readonly streams: StreamIndex
  readonly edges: EdgeLog
  readonly stats: (bus: number, address: number) => StreamBitStats | undefined
  readonly rises: (bus: number, address: number, bit: number) => number
  readonly falls: (bus: number, address: number, bit: number) => number
  /** Last value of the bit, or undefined when the stream was never seen. */
  readonly lastValue: (bus: number, address: number, bit: number) => 0 | 1 | undefined
  /** Every stream seen, in first-seen order. */
  readonly allStats: () => StreamBitStats[]
}

/** Creates a BitTracker. State lives in flat typed arrays keyed by dense (bus, address) indices. */
export const createBitTracker = (options: BitTrackerOptions = {}): BitTracker => {
  const bytes = Math.min(Math.max(1, options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES), MAX_PAYLOAD_BYTES)
  const bits = bytes * 8
  const selection = options.edges ?? "none"
  const watchList = Array.isArray(selection) ? selection : null
  const recordAll = selection === "all"
  const onEdge = options.onEdge
  const streams = createStreamIndex()
  const edges = createEdgeLog(streams)

  let cap = 64
  let frames = new Uint32Array(cap)
  let firstTime = new Float64Array(cap)
  let lastTime = new Float64Array(cap)
  let lastLen = new Uint8Array(cap)
  let last = new Uint8Array(cap * bytes)
  let rises = new Uint32Array(cap * bits)
  let falls = new Uint32Array(cap * bits)
  let watched = new Uint8Array(watchList ? cap * bits : 0)
  const changed = new Uint32Array(bits)

  const grow = () => {
    cap *= 2
    frames = growTypedArray(frames, cap)
    firstTime = growTypedArray(firstTime, cap)
    lastTime = growTypedArray(lastTime, cap)
    lastLen = growTypedArray(lastLen, cap)
    last = growTypedArray(last, cap * bytes)
    rises = growTypedArray(rises, cap * bits)
    falls = growTypedArray(falls, cap * bits)
    if (watchList) watched = growTypedArray(watched, cap * bits)
  }

  const addStream = (bus: number, address: number): number => {
    const s = streams.intern(bus, address)
    if (s >= cap) grow()
    if (watchList) {
      for (const w of watchList) {
        if (w.address === address && (w.bus === undefined || w.bus === bus) && w.bit >= 0 && w.bit < bits) {
          watched[s * bits + w.bit] = 1
        }
      }
    }
    return s
  }

  const observe = (timeNs: number, bus: number, address: number, data: Uint8Array) => {
    let s = streams.find(bus, address)
    const n = Math.min(data.length, bytes)
    if (s < 0) {
      s = addStream(bus, address)
      storePayload(last, s * bytes, 0, data, n)
      lastLen[s] = n
      frames[s] = 1
      firstTime[s] = timeNs
      lastTime[s] = timeNs
      return
    }
    const prevTime = lastTime[s]
    const byteBase = s * bytes
    const bitBase = s * bits
    const count = diffAndStorePayload(last, byteBase, lastLen[s], data, n, changed)
    for (let k = 0; k < count; k++) {
      const g = changed[k] >> 1
      const up = (changed[k] & 1) !== 0
      if (up) rises[bitBase + g]++
      else falls[bitBase + g]++
      if (recordAll || (watchList !== null && watched[bitBase + g] === 1)) {
        edges.push(s, g, up, timeNs, prevTime)
        if (onEdge) onEdge({ bus, address, bit: g, rising: up, timeNs, prevTimeNs: prevTime })
      }
    }
    lastLen[s] = n
    frames[s]++
    lastTime[s] = timeNs
  }

  const statsOf = (s: number): StreamBitStats => {
    const key = streams.keyOf(s)
    return {
      bus: key.bus,
      address: key.address,
      frames: frames[s],
      firstTimeNs: firstTime[s],
      lastTimeNs: lastTime[s],
      rises: rises.subarray(s * bits, (s + 1) * bits),
      falls: falls.subarray(s * bits, (s + 1) * bits),
      lastPayload: last.subarray(s * bytes, (s + 1) * bytes)
    }
  }

  const counter = (arr: () => Uint32Array) => (bus: number, address: number, bit: number) => {
    const s = streams.find(bus, address)
    return s < 0 || bit < 0 || bit >= bits ? 0 : arr()[s * bits + bit]
  }

  return {
    observe,
    streams,
    edges,
    stats: (bus, address) => {
      const s = streams.find(bus, address)
      return s < 0 ? undefined : statsOf(s)
    },
    rises: counter(() => rises),
    falls: counter(() => falls),
    lastValue: (bus, address, bit) => {
      const s = streams.find(bus, address)
      if (s < 0 || bit < 0 || bit >= bits) return undefined
      return ((last[s * bytes + (bit >> 3)] >> (bit & 7)) & 1) as 0 | 1
    },
    allStats: () => Array.from({ length: streams.size() }, (_, s) => statsOf(s))
  }
}
