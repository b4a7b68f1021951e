import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { createBitTracker } from "../../src/core/can/bit-tracker.js"
import type { BitEdge } from "../../src/core/can/edge-log.js"
import { oracleFrames, type OracleFrame } from "../support/oracle.js"
import { subaruTruth, SUBARU_T0_NS } from "../support/shared-data.js"

interface Frame {
  bus: number
  address: number
  data: Uint8Array
}

const frameArb: fc.Arbitrary<Frame> = fc.record({
  bus: fc.constantFrom(0, 2, 128),
  address: fc.constantFrom(0x40, 0x241),
  data: fc.uint8Array({ maxLength: 12 })
})

const le = (data: Uint8Array) => BigInt("0x" + (Buffer.from(data).reverse().toString("hex") || "0"))

/** Naive reference: big integers per stream, every bit of every frame compared. */
const referenceEdges = (frames: Frame[]) => {
  const last = new Map<string, { value: bigint; time: number }>()
  const edges: BitEdge[] = []
  frames.forEach((f, i) => {
    const key = `${f.bus}:${f.address}`
    const value = le(f.data)
    const prev = last.get(key)
    if (prev) {
      for (let g = 0; g < 96; g++) {
        const before = (prev.value >> BigInt(g)) & 1n
        const after = (value >> BigInt(g)) & 1n
        if (before !== after) {
          edges.push({ bus: f.bus, address: f.address, bit: g, rising: after === 1n, timeNs: i * 10, prevTimeNs: prev.time })
        }
      }
    }
    last.set(key, { value, time: i * 10 })
  })
  return { edges, last }
}

describe("createBitTracker against a naive reference (property)", () => {
  it("edges, rise/fall counts, last values and frame counts", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 60 }), frames => {
        const seen: BitEdge[] = []
        const tracker = createBitTracker({ edges: "all", onEdge: e => seen.push(e) })
        frames.forEach((f, i) => tracker.observe(i * 10, f.bus, f.address, f.data))
        const ref = referenceEdges(frames)
        expect([...tracker.edges]).toEqual(ref.edges)
        expect(seen).toEqual(ref.edges)
        for (const [key, { value }] of ref.last) {
          const [bus, address] = key.split(":").map(Number)
          const stats = tracker.stats(bus, address)!
          expect(stats.frames).toBe(frames.filter(f => f.bus === bus && f.address === address).length)
          const expected = { rises: new Array<number>(96).fill(0), falls: new Array<number>(96).fill(0), last: [] as number[] }
          for (const e of ref.edges) {
            if (e.bus === bus && e.address === address) (e.rising ? expected.rises : expected.falls)[e.bit]++
          }
          const got = { rises: [] as number[], falls: [] as number[], last: [] as Array<number | undefined> }
          for (let g = 0; g < 96; g++) {
            got.rises.push(tracker.rises(bus, address, g))
            got.falls.push(tracker.falls(bus, address, g))
            got.last.push(tracker.lastValue(bus, address, g))
            expected.last.push(Number((value >> BigInt(g)) & 1n))
          }
          expect(got).toEqual(expected)
        }
        expect(tracker.allStats().length).toBe(ref.last.size)
      }),
      { numRuns: 300 }
    )
  })

  it("a watch list records only the watched bits but still counts every bit", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 60 }), fc.integer({ min: 0, max: 95 }), (frames, bit) => {
        const tracker = createBitTracker({
          edges: [
            { address: 0x241, bit },
            { bus: 2, address: 0x40, bit: 3 }
          ]
        })
        frames.forEach((f, i) => tracker.observe(i * 10, f.bus, f.address, f.data))
        const ref = referenceEdges(frames).edges
        const wanted = ref.filter(e => (e.address === 0x241 && e.bit === bit) || (e.bus === 2 && e.address === 0x40 && e.bit === 3))
        expect([...tracker.edges]).toEqual(wanted)
        expect(tracker.edges.edgesOf(0, 0x241, bit)).toEqual(wanted.filter(e => e.bus === 0 && e.address === 0x241))
        const total = ref.filter(e => e.bus === 0 && e.address === 0x40 && e.bit === 7).length
        expect(tracker.rises(0, 0x40, 7) + tracker.falls(0, 0x40, 7)).toBe(total)
      }),
      { numRuns: 200 }
    )
  })
})

describe("createBitTracker on the Subaru demo drive", () => {
  const truth = subaruTruth()
  let frames: ReadonlyArray<OracleFrame>
  beforeAll(() => {
    frames = oracleFrames("subaru_cruise_demo.frames.csv")
  })
  const tRel = (ns: number) => Math.round((ns - SUBARU_T0_NS) / 1e7) / 100

  it("edges of every truth bit match its observed runs (rise at first on, fall at first off)", () => {
    const watch = Object.values<any>(truth.bits).map(b => ({ address: b.address, bit: b.lsb_bit }))
    const tracker = createBitTracker({ edges: watch })
    for (const f of frames) tracker.observe(f.timeNs, f.bus, f.address, f.data)
    let checked = 0
    for (const [name, spec] of Object.entries<any>(truth.bits)) {
      for (const [busKey, runs] of Object.entries<any[]>(truth.observed_from_decoded_frames.bit_runs_s[name])) {
        const bus = Number(busKey.slice(4))
        const edges = tracker.edges.edgesOf(bus, spec.address, spec.lsb_bit)
        const firstFrame = tRel(frames.find(f => f.bus === bus && f.address === spec.address)!.timeNs)
        const rises = runs.filter(r => r.first_on !== firstFrame).map(r => r.first_on)
        const falls = runs.filter(r => r.first_off_after !== null).map(r => r.first_off_after)
        expect(edges.filter(e => e.rising).map(e => tRel(e.timeNs))).toEqual(rises)
        expect(edges.filter(e => !e.rising).map(e => tRel(e.timeNs))).toEqual(falls)
        expect(tracker.rises(bus, spec.address, spec.lsb_bit)).toBe(rises.length)
        expect(tracker.falls(bus, spec.address, spec.lsb_bit)).toBe(falls.length)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15)
    const set = tracker.edges.edgesOf(0, 0x146, 43)
    expect(set.map(e => [e.rising, tRel(e.timeNs), tRel(e.prevTimeNs)])).toEqual([
      [true, 40.0, 39.98],
      [false, 40.2, 40.18]
    ])
  })

  it("frame counts per (bus, address) equal the truth file", () => {
    const tracker = createBitTracker()
    for (const f of frames) tracker.observe(f.timeNs, f.bus, f.address, f.data)
    const counts = Object.fromEntries(tracker.allStats().map(s => [`${s.bus}:0x${s.address.toString(16).toUpperCase()}`, s.frames]))
    expect(counts).toEqual(truth.frame_counts_by_bus_address)
    expect(tracker.edges.count()).toBe(0)
  })
})
