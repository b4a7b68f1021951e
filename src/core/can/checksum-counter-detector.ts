import { createStreamIndex, type StreamIndex } from "./stream-index.js"

/** A bit field that counts up by 1 (mod 2^width) from frame to frame. */
export interface CounterField {
  /** Global LSB-numbered bit of the field's least-significant bit. */
  readonly lsbBit: number
  readonly width: number
  /** Consecutive frame pairs where the field went up by exactly 1. */
  readonly increments: number
  readonly pairs: number
}

/** How a checksum byte was recognised. */
export type ChecksumRule =
  /** byte0 = (addr low + addr high + sum(data[1..])) & 0xFF (Subaru). */
  | "subaru_sum"
  /** last byte of the first `length` bytes = (addr low + addr high + length + sum(data[0..length-2])) & 0xFF (Toyota). */
  | "toyota_sum"
  /** byte 0 changes whenever the rest changes, never alone, and is a function of the rest. */
  | "byte0_follows_payload"

export interface ChecksumByte {
  readonly byte: number
  readonly rule: ChecksumRule
  /** For toyota_sum: the message length the sum uses (payloads may be zero-padded beyond it). */
  readonly length?: number
  /** Frames (or frame pairs, for byte0_follows_payload) that fit the rule, out of `checked`. */
  readonly matched: number
  readonly checked: number
}

/** What the detector concluded for one (bus, address) stream. */
export interface ChecksumCounterReport {
  readonly bus: number
  readonly address: number
  readonly frames: number
  readonly checksums: ReadonlyArray<ChecksumByte>
  readonly counters: ReadonlyArray<CounterField>
  /** Union of checksum bits, ascending. */
  readonly checksumBits: ReadonlyArray<number>
  /** Union of counter bits, ascending. */
  readonly counterBits: ReadonlyArray<number>
}

export interface ChecksumCounterOptions {
  /** Fewest frame pairs before anything is flagged (default 16). */
  readonly minPairs?: number
  /** Share of pairs that must increment by 1 for a COUNTER (default 0.9). */
  readonly counterRatio?: number
  /** Share of frames that must satisfy a known checksum sum (default 0.98). */
  readonly checksumRatio?: number
}

/**
 * Streaming heuristics that find CHECKSUM bytes and COUNTER fields in observed payloads, per
 * (bus, address) stream: counters are 2/3/4-bit fields inside a byte or whole bytes (within the
 * first 8 bytes) that go up by 1 mod 2^width per frame; checksums are bytes matching the Subaru or
 * Toyota sum, or a byte 0 that follows the rest of the payload like a checksum. Constant memory per stream.
 */
export interface ChecksumCounterDetector {
  readonly observe: (bus: number, address: number, data: Uint8Array) => void
  readonly report: (bus: number, address: number) => ChecksumCounterReport | undefined
  readonly reports: () => ChecksumCounterReport[]
  readonly streams: StreamIndex
}

interface FieldDef {
  readonly byte: number
  readonly shift: number
  readonly width: number
}

const FIELDS: ReadonlyArray<FieldDef> = (() => {
  const out: FieldDef[] = []
  for (let byte = 0; byte < 8; byte++) {
    out.push({ byte, shift: 0, width: 8 })
    for (const width of [4, 3, 2]) for (let shift = 0; shift + width <= 8; shift++) out.push({ byte, shift, width })
  }
  return out
})()

const MAX_LEN = 64
const MAX_REST_KEYS = 4096

interface StreamState {
  frames: number
  pairs: number
  prev: Uint8Array
  prevLen: number
  increments: Uint32Array
  subaruChecked: number
  subaruMatched: number
  toyotaMatched: Uint32Array
  changedPairs: number
  restChanged: number
  byte0WithRest: number
  byte0Alone: number
  restToByte0: Map<number, number>
  conflicts: number
}

const newState = (): StreamState => ({
  frames: 0,
  pairs: 0,
  prev: new Uint8Array(MAX_LEN),
  prevLen: 0,
  increments: new Uint32Array(FIELDS.length),
  subaruChecked: 0,
  subaruMatched: 0,
  toyotaMatched: new Uint32Array(MAX_LEN + 1),
  changedPairs: 0,
  restChanged: 0,
  byte0WithRest: 0,
  byte0Alone: 0,
  restToByte0: new Map(),
  conflicts: 0
})

const restHash = (data: Uint8Array, n: number): number => {
  let h = 0x811c9dc5 ^ n
  for (let i = 1; i < n; i++) h = Math.imul(h ^ data[i], 0x01000193)
  return h >>> 0
}

const observeSums = (st: StreamState, address: number, data: Uint8Array, n: number) => {
  const addrSum = (address & 0xff) + ((address >> 8) & 0xff)
  let sum = 0
  for (let len = 1; len <= n; len++) {
    if ((addrSum + len + sum) % 256 === data[len - 1]) st.toyotaMatched[len]++
    sum += data[len - 1]
  }
  if (n >= 2) {
    st.subaruChecked++
    if ((addrSum + sum - data[0]) % 256 === data[0]) st.subaruMatched++
  }
}

const observePair = (st: StreamState, data: Uint8Array, n: number) => {
  const prev = st.prev
  const m = Math.max(n, st.prevLen)
  let restDiff = false
  for (let i = 1; i < m && !restDiff; i++) restDiff = (i < n ? data[i] : 0) !== prev[i]
  const byte0Diff = (n > 0 ? data[0] : 0) !== prev[0]
  if (restDiff || byte0Diff) st.changedPairs++
  if (restDiff) {
    st.restChanged++
    if (byte0Diff) st.byte0WithRest++
  } else if (byte0Diff) st.byte0Alone++
  for (let f = 0; f < FIELDS.length; f++) {
    const fd = FIELDS[f]
    const mask = (1 << fd.width) - 1
    const cur = ((fd.byte < n ? data[fd.byte] : 0) >> fd.shift) & mask
    const old = (prev[fd.byte] >> fd.shift) & mask
    if (((cur - old) & mask) === 1) st.increments[f]++
  }
}

const observeDeterminism = (st: StreamState, data: Uint8Array, n: number) => {
  if (n < 2) return
  const key = restHash(data, n)
  const seen = st.restToByte0.get(key)
  if (seen === undefined) {
    if (st.restToByte0.size < MAX_REST_KEYS) st.restToByte0.set(key, data[0])
  } else if (seen !== data[0]) st.conflicts++
}

const bitsOfByte = (byte: number): number[] => Array.from({ length: 8 }, (_, i) => byte * 8 + i)

const summarise = (
  bus: number,
  address: number,
  st: StreamState,
  minPairs: number,
  counterRatio: number,
  checksumRatio: number
): ChecksumCounterReport => {
  const checksums: ChecksumByte[] = []
  const enough = (matched: number, checked: number) =>
    st.changedPairs > 0 && checked >= minPairs && matched >= checksumRatio * checked
  if (enough(st.subaruMatched, st.subaruChecked)) {
    checksums.push({ byte: 0, rule: "subaru_sum", matched: st.subaruMatched, checked: st.subaruChecked })
  }
  let bestLen = 0
  for (let len = 2; len <= MAX_LEN; len++) if (st.toyotaMatched[len] > st.toyotaMatched[bestLen]) bestLen = len
  if (bestLen >= 2 && enough(st.toyotaMatched[bestLen], st.frames)) {
    const byte = bestLen - 1
    if (!checksums.some((c) => c.byte === byte)) {
      checksums.push({ byte, rule: "toyota_sum", length: bestLen, matched: st.toyotaMatched[bestLen], checked: st.frames })
    }
  }
  const follows =
    st.restChanged >= minPairs && st.byte0WithRest >= 0.9 * st.restChanged && st.byte0Alone === 0 && st.conflicts === 0
  if (follows && !checksums.some((c) => c.byte === 0)) {
    checksums.push({ byte: 0, rule: "byte0_follows_payload", matched: st.byte0WithRest, checked: st.restChanged })
  }
  const checksumBits = checksums.flatMap((c) => bitsOfByte(c.byte)).sort((a, b) => a - b)

  const counters: CounterField[] = []
  if (st.pairs >= minPairs) {
    const hits = FIELDS.map((fd, f) => ({ fd, inc: st.increments[f] }))
      .filter((h) => h.inc >= counterRatio * st.pairs && !checksums.some((c) => c.byte === h.fd.byte))
      .sort((a, b) => b.fd.width - a.fd.width)
    for (const { fd, inc } of hits) {
      const lsbBit = fd.byte * 8 + fd.shift
      const inside = counters.some((c) => lsbBit >= c.lsbBit && lsbBit + fd.width <= c.lsbBit + c.width)
      if (!inside) counters.push({ lsbBit, width: fd.width, increments: inc, pairs: st.pairs })
    }
    counters.sort((a, b) => a.lsbBit - b.lsbBit)
  }
  const counterBits = counters.flatMap((c) => Array.from({ length: c.width }, (_, i) => c.lsbBit + i))
  return { bus, address, frames: st.frames, checksums, counters, checksumBits, counterBits }
}

/** Creates a ChecksumCounterDetector. `bus` is the caller's stream key, usually the raw `src`. */
export const createChecksumCounterDetector = (options: ChecksumCounterOptions = {}): ChecksumCounterDetector => {
  const minPairs = options.minPairs ?? 16
  const counterRatio = options.counterRatio ?? 0.9
  const checksumRatio = options.checksumRatio ?? 0.98
  const streams = createStreamIndex()
  const states: StreamState[] = []

  const report = (s: number) => {
    const key = streams.keyOf(s)
    return summarise(key.bus, key.address, states[s], minPairs, counterRatio, checksumRatio)
  }

  return {
    streams,
    observe: (bus, address, data) => {
      const s = streams.intern(bus, address)
      const st = states[s] ?? (states[s] = newState())
      const n = Math.min(data.length, MAX_LEN)
      observeSums(st, address, data, n)
      observeDeterminism(st, data, n)
      if (st.frames > 0) {
        observePair(st, data, n)
        st.pairs++
      }
      st.prev.fill(0)
      st.prev.set(data.subarray(0, n))
      st.prevLen = n
      st.frames++
    },
    report: (bus, address) => {
      const s = streams.find(bus, address)
      return s < 0 ? undefined : report(s)
    },
    reports: () => Array.from({ length: streams.size() }, (_, s) => report(s))
  }
}
