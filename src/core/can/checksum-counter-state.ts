import type { ChecksumByte, ChecksumCounterReport, CounterField } from "./checksum-counter-report.js"

interface FieldDef {
  readonly byte: number
  readonly shift: number
  readonly width: number
}

/** Candidate counter fields: every 2- to 8-bit run of bits inside one of the first 8 bytes. */
const FIELDS: ReadonlyArray<FieldDef> = (() => {
  const out: FieldDef[] = []
  for (let byte = 0; byte < 8; byte++) {
    for (let width = 2; width <= 8; width++) for (let shift = 0; shift + width <= 8; shift++) out.push({ byte, shift, width })
  }
  return out
})()

const FIELDS_PER_BYTE = FIELDS.length / 8
const MAX_LEN = 64
const MAX_REST_KEYS = 4096
/** Frames where a sum matched although its inputs had just changed: proof it is computed, not constant. */
const MIN_EVIDENCE = 2

/** What the detector remembers about one (bus, address) stream: constant size. */
export interface StreamState {
  frames: number
  pairs: number
  prev: Uint8Array
  prevLen: number
  increments: Uint32Array
  /** Per byte of the first 8: bits that changed at least once between consecutive frames. */
  everChanged: Uint8Array
  subaruChecked: number
  subaruMatched: number
  subaruEvidence: number
  toyotaMatched: Uint32Array
  toyotaEvidence: Uint32Array
  restChanged: number
  byte0WithRest: number
  byte0Alone: number
  restToByte0: Map<number, number>
  repeats: number
  conflicts: number
}

export const newStreamState = (): StreamState => ({
  frames: 0,
  pairs: 0,
  prev: new Uint8Array(MAX_LEN),
  prevLen: 0,
  increments: new Uint32Array(FIELDS.length),
  everChanged: new Uint8Array(8),
  subaruChecked: 0,
  subaruMatched: 0,
  subaruEvidence: 0,
  toyotaMatched: new Uint32Array(MAX_LEN + 1),
  toyotaEvidence: new Uint32Array(MAX_LEN + 1),
  restChanged: 0,
  byte0WithRest: 0,
  byte0Alone: 0,
  restToByte0: new Map(),
  repeats: 0,
  conflicts: 0
})

const restHash = (data: Uint8Array, n: number): number => {
  let h = 0x811c9dc5 ^ n
  for (let i = 1; i < n; i++) h = Math.imul(h ^ data[i], 0x01000193)
  return h >>> 0
}

/** Folds one frame into the stream's state. */
export const observeFrame = (st: StreamState, address: number, data: Uint8Array): void => {
  const n = Math.min(data.length, MAX_LEN)
  const prev = st.prev
  const hasPrev = st.frames > 0
  let firstDiff = -1
  let restDiff = false
  if (hasPrev) {
    const m = Math.max(n, st.prevLen)
    for (let i = 0; i < m; i++) {
      if ((i < n ? data[i] : 0) === prev[i]) continue
      if (firstDiff < 0) firstDiff = i
      if (i >= 1) {
        restDiff = true
        break
      }
    }
  }
  const addrSum = (address & 0xff) + ((address >> 8) & 0xff)
  let sum = 0
  for (let len = 1; len <= n; len++) {
    if ((addrSum + len + sum) % 256 === data[len - 1]) {
      st.toyotaMatched[len]++
      if (firstDiff >= 0 && firstDiff <= len - 2) st.toyotaEvidence[len]++
    }
    sum += data[len - 1]
  }
  if (n >= 2) {
    st.subaruChecked++
    if ((addrSum + sum - data[0]) % 256 === data[0]) {
      st.subaruMatched++
      if (restDiff) st.subaruEvidence++
    }
    const key = restHash(data, n)
    const seen = st.restToByte0.get(key)
    if (seen === undefined) {
      if (st.restToByte0.size < MAX_REST_KEYS) st.restToByte0.set(key, data[0])
    } else if (seen !== data[0]) st.conflicts++
    else st.repeats++
  }
  if (hasPrev) {
    const byte0Diff = firstDiff === 0
    if (restDiff) {
      st.restChanged++
      if (byte0Diff) st.byte0WithRest++
    } else if (byte0Diff) st.byte0Alone++
    for (let i = 0; i < 8; i++) {
      const cur = i < n ? data[i] : 0
      const old = prev[i]
      if (cur === old) continue
      st.everChanged[i] |= cur ^ old
      for (let f = i * FIELDS_PER_BYTE, end = f + FIELDS_PER_BYTE; f < end; f++) {
        const fd = FIELDS[f]
        const mask = (1 << fd.width) - 1
        if ((((cur >> fd.shift) - (old >> fd.shift)) & mask) === 1) st.increments[f]++
      }
    }
    st.pairs++
  }
  prev.fill(0)
  prev.set(n === data.length ? data : data.subarray(0, n))
  st.prevLen = n
  st.frames++
}

/**
 * Counter fields: per LSB position, the narrowest field that goes up by 1 often enough, widened to
 * the widest field at that position that goes up exactly as often and whose top bit moved (so
 * constant or unrelated high bits are never swallowed into a counter); nested fields are dropped.
 */
const findCounters = (st: StreamState, ratio: number, checksums: ReadonlyArray<ChecksumByte>): CounterField[] => {
  const byLsb = new Map<number, Array<{ width: number; inc: number; topMoved: boolean }>>()
  FIELDS.forEach((fd, f) => {
    if (checksums.some(c => c.byte === fd.byte)) return
    const lsb = fd.byte * 8 + fd.shift
    const list = byLsb.get(lsb) ?? []
    const topMoved = (st.everChanged[fd.byte] & (1 << (fd.shift + fd.width - 1))) !== 0
    list.push({ width: fd.width, inc: st.increments[f], topMoved })
    byLsb.set(lsb, list)
  })
  const found: CounterField[] = []
  for (const [lsbBit, list] of byLsb) {
    list.sort((a, b) => a.width - b.width)
    const narrow = list[0]
    if (narrow.inc < ratio * st.pairs) continue
    const widest = list.filter(c => c.inc >= narrow.inc && c.topMoved).pop() ?? narrow
    found.push({ lsbBit, width: widest.width, increments: widest.inc, pairs: st.pairs })
  }
  found.sort((a, b) => b.width - a.width)
  const kept: CounterField[] = []
  for (const c of found) {
    if (!kept.some(k => c.lsbBit >= k.lsbBit && c.lsbBit + c.width <= k.lsbBit + k.width)) kept.push(c)
  }
  return kept.sort((a, b) => a.lsbBit - b.lsbBit)
}

const findChecksums = (st: StreamState, minPairs: number, ratio: number): ChecksumByte[] => {
  const out: ChecksumByte[] = []
  const holds = (matched: number, checked: number, evidence: number) => checked >= minPairs && matched >= ratio * checked && evidence >= MIN_EVIDENCE
  if (holds(st.subaruMatched, st.subaruChecked, st.subaruEvidence)) {
    out.push({ byte: 0, rule: "subaru_sum", matched: st.subaruMatched, checked: st.subaruChecked })
  }
  let best = 0
  for (let len = 2; len <= MAX_LEN; len++) if (st.toyotaMatched[len] > st.toyotaMatched[best]) best = len
  if (best >= 2 && holds(st.toyotaMatched[best], st.frames, st.toyotaEvidence[best])) {
    out.push({ byte: best - 1, rule: "toyota_sum", length: best, matched: st.toyotaMatched[best], checked: st.frames })
  }
  const follows =
    out.length === 0 &&
    st.restChanged >= minPairs &&
    st.byte0WithRest >= 0.9 * st.restChanged &&
    st.byte0Alone === 0 &&
    st.repeats >= minPairs &&
    st.conflicts === 0
  if (follows) out.push({ byte: 0, rule: "byte0_follows_payload", matched: st.byte0WithRest, checked: st.restChanged })
  return out
}

const bitsOfByte = (byte: number): number[] => Array.from({ length: 8 }, (_, i) => byte * 8 + i)

/** The findings for one stream. */
export const summariseStream = (
  key: { bus: number; address: number },
  st: StreamState,
  minPairs: number,
  counterRatio: number,
  checksumRatio: number
): ChecksumCounterReport => {
  const checksums = findChecksums(st, minPairs, checksumRatio)
  const counters = st.pairs >= minPairs ? findCounters(st, counterRatio, checksums) : []
  return {
    bus: key.bus,
    address: key.address,
    frames: st.frames,
    checksums,
    counters,
    checksumBits: checksums.flatMap(c => bitsOfByte(c.byte)).sort((a, b) => a - b),
    counterBits: counters.flatMap(c => Array.from({ length: c.width }, (_, i) => c.lsbBit + i))
  }
}
