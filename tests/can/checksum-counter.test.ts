import { Effect } from "effect"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { createChecksumCounterDetector } from "../../src/core/can/checksum-counter-detector.js"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { dbcHousekeepingBits } from "../../src/core/dbc/dbc-checksum-counter.js"
import { npyBytes8, npyInt64, readNpy } from "../support/npy.js"
import { oracleFrames } from "../support/oracle.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

describe("checksum / counter detection on the Subaru demo drive", () => {
  const truth = subaruTruth()
  const detector = createChecksumCounterDetector()
  beforeAll(() => {
    for (const f of oracleFrames("subaru_cruise_demo.frames.csv")) detector.observe(f.bus, f.address, f.data)
  })

  it("finds CHECKSUM 0|8 (Subaru sum, every frame) and COUNTER 8|4 in every stream, as the truth file and the DBC say", () => {
    const dbc = dbcHousekeepingBits(Effect.runSync(loadBundledDbc("subaru_global_2017_generated")))
    const reports = detector.reports()
    expect(reports.map(r => `${r.bus}:0x${r.address.toString(16).toUpperCase()}`).sort()).toEqual(Object.keys(truth.frame_counts_by_bus_address).sort())
    for (const r of reports) {
      expect(r.checksums).toEqual([{ byte: 0, rule: "subaru_sum", matched: r.frames, checked: r.frames }])
      expect(r.counters).toEqual([{ lsbBit: 8, width: 4, increments: r.frames - 1, pairs: r.frames - 1 }])
      expect(r.checksumBits).toEqual(dbc.get(r.address)!.checksumBits)
      expect(r.counterBits).toEqual(dbc.get(r.address)!.counterBits)
    }
  })

  it("never flags a truth signal bit", () => {
    for (const spec of Object.values<any>(truth.bits)) {
      for (const r of detector.reports().filter(x => x.address === spec.address)) {
        expect(r.checksumBits).not.toContain(spec.lsb_bit)
        expect(r.counterBits).not.toContain(spec.lsb_bit)
      }
    }
  })
})

describe("checksum / counter detection on the real comma2k19 RAV4 frames", () => {
  const base = (f: string) => dataPath("comma2k19_rav4_seg40", "processed_log", "CAN", "raw_can", f)
  const detector = createChecksumCounterDetector()
  const payloads = new Map<string, Set<string>>()
  beforeAll(() => {
    const address = npyInt64(readNpy(base("address")))
    const src = npyInt64(readNpy(base("src")))
    const data = npyBytes8(readNpy(base("data")))
    for (let i = 0; i < address.length; i++) {
      detector.observe(src[i], address[i], data[i])
      const key = `${src[i]}:${address[i]}`
      const set = payloads.get(key) ?? new Set()
      set.add(Buffer.from(data[i]).toString("hex"))
      payloads.set(key, set)
    }
  })

  it("the Toyota checksum is valid on every frame of 0xb4, 0x260 and 0x2c1 (PROVENANCE §1)", () => {
    for (const address of [0xb4, 0x260, 0x2c1]) {
      const r = detector.report(0, address)!
      expect(r.checksums).toEqual([{ byte: 7, rule: "toyota_sum", length: 8, matched: r.frames, checked: r.frames }])
    }
  })

  it("wherever the Toyota DBCs declare CHECKSUM / COUNTER on a stream that varies, the detector finds the same bits", () => {
    const pt = dbcHousekeepingBits(Effect.runSync(loadBundledDbc("toyota_new_mc_pt_generated")))
    const adas = dbcHousekeepingBits(Effect.runSync(loadBundledDbc("toyota_adas")))
    let checked = 0
    for (const r of detector.reports()) {
      const declared = ((r.bus & 0x7f) === 1 ? adas : pt).get(r.address)
      if (!declared || payloads.get(`${r.bus}:${r.address}`)!.size < 2) continue
      expect(r.checksumBits, `${r.bus}:0x${r.address.toString(16)}`).toEqual(declared.checksumBits)
      expect(r.counterBits, `${r.bus}:0x${r.address.toString(16)}`).toEqual(declared.counterBits)
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(30)
    const lka = detector.report(128, 0x2e4)!
    expect(lka.checksums[0]).toMatchObject({ byte: 4, rule: "toyota_sum", length: 5 })
    expect(lka.counters).toEqual([expect.objectContaining({ lsbBit: 1, width: 6 })])
  })
})

describe("checksum / counter detection (property)", () => {
  const scenario = fc.record({
    background: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    byte: fc.integer({ min: 1, max: 7 }),
    width: fc.integer({ min: 2, max: 8 }),
    shift: fc.nat(),
    start: fc.nat(),
    extra: fc.integer({ min: 0, max: 100 }),
    toggleAt: fc.nat()
  })

  it("finds a counter of any width and position (once it wrapped) and never swallows a rarely toggled bit beside it", () => {
    fc.assert(
      fc.property(scenario, sc => {
        const s = { ...sc, frames: (1 << sc.width) + 16 + sc.extra }
        const shift = s.shift % (9 - s.width)
        const mask = ((1 << s.width) - 1) << shift
        const free = range(0, 8).filter(b => !(mask & (1 << b)))
        const detector = createChecksumCounterDetector()
        const toggled = free.length > 0 ? free[s.toggleAt % free.length] : -1
        for (let i = 0; i < s.frames; i++) {
          const data = Uint8Array.from(s.background)
          data[0] = 0x5a
          const counter = (s.start + i) & ((1 << s.width) - 1)
          data[s.byte] = (data[s.byte] & ~mask) | (counter << shift)
          if (toggled >= 0 && i > s.frames / 2 && i < s.frames / 2 + 3) data[s.byte] ^= 1 << toggled
          detector.observe(0, 0x123, data)
        }
        const r = detector.report(0, 0x123)!
        expect(r.counters).toEqual([{ lsbBit: s.byte * 8 + shift, width: s.width, increments: s.frames - 1, pairs: s.frames - 1 }])
        if (toggled >= 0) expect(r.counterBits).not.toContain(s.byte * 8 + toggled)
        expect(r.checksums).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("flags byte 0 that is a function of the rest, but not a noisy byte 0", () => {
    const mix = (data: Uint8Array) => data.slice(1).reduce((h, b) => ((h * 31) ^ b) & 0xff, 0x11)
    const run = (noisy: boolean) => {
      const detector = createChecksumCounterDetector()
      for (let i = 0; i < 400; i++) {
        const data = Uint8Array.from([0, i & 15, 0x20, (i >> 6) & 3, 0, 0, 0, 0])
        data[0] = noisy ? (i * 73) & 0xff : mix(data)
        detector.observe(1, 0x30, data)
      }
      return detector.report(1, 0x30)!
    }
    expect(run(false).checksums).toEqual([expect.objectContaining({ byte: 0, rule: "byte0_follows_payload" })])
    expect(run(false).counters).toEqual([expect.objectContaining({ lsbBit: 8, width: 4 })])
    expect(run(true).checksums).toEqual([])
  })
})
