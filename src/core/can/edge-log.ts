import { growTypedArray } from "../util/grow-typed-array.js"
import type { StreamIndex } from "./stream-index.js"

/** One change of one bit between two consecutive frames of a (bus, address) stream. */
export interface BitEdge {
  readonly bus: number
  readonly address: number
  /** Global LSB-numbered bit. */
  readonly bit: number
  /** True for 0 → 1, false for 1 → 0. */
  readonly rising: boolean
  /** Time of the frame that shows the new value, ns. */
  readonly timeNs: number
  /** Time of the stream's previous frame (still the old value), ns. */
  readonly prevTimeNs: number
}

/** Append-only edge storage in flat typed arrays (about 23 bytes per edge). */
export interface EdgeLog {
  readonly count: () => number
  readonly get: (i: number) => BitEdge
  /** All edges in arrival order. */
  readonly [Symbol.iterator]: () => Iterator<BitEdge>
  /** Edges of one bit of one stream, in time order. */
  readonly edgesOf: (bus: number, address: number, bit: number) => BitEdge[]
  /** Appends an edge (used by the trackers). */
  readonly push: (stream: number, bit: number, rising: boolean, timeNs: number, prevTimeNs: number) => void
  readonly clear: () => void
}

/** Creates an EdgeLog whose stream numbers resolve through `streams`. */
export const createEdgeLog = (streams: StreamIndex, initialCapacity = 1024): EdgeLog => {
  let capacity = Math.max(16, initialCapacity)
  let n = 0
  let stream = new Uint32Array(capacity)
  let bit = new Uint16Array(capacity)
  let rising = new Uint8Array(capacity)
  let time = new Float64Array(capacity)
  let prevTime = new Float64Array(capacity)

  const grow = () => {
    capacity *= 2
    stream = growTypedArray(stream, capacity)
    bit = growTypedArray(bit, capacity)
    rising = growTypedArray(rising, capacity)
    time = growTypedArray(time, capacity)
    prevTime = growTypedArray(prevTime, capacity)
  }

  const get = (i: number): BitEdge => {
    const key = streams.keyOf(stream[i])
    return {
      bus: key.bus,
      address: key.address,
      bit: bit[i],
      rising: rising[i] === 1,
      timeNs: time[i],
      prevTimeNs: prevTime[i]
    }
  }

  return {
    count: () => n,
    get,
    [Symbol.iterator]: function* () {
      for (let i = 0; i < n; i++) yield get(i)
    },
    edgesOf: (bus, address, wanted) => {
      const s = streams.find(bus, address)
      const out: BitEdge[] = []
      if (s < 0) return out
      for (let i = 0; i < n; i++) if (stream[i] === s && bit[i] === wanted) out.push(get(i))
      return out
    },
    push: (s, b, up, t, pt) => {
      if (n === capacity) grow()
      stream[n] = s
      bit[n] = b
      rising[n] = up ? 1 : 0
      time[n] = t
      prevTime[n] = pt
      n++
    },
    clear: () => {
      n = 0
    }
  }
}
