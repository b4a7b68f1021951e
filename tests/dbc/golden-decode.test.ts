import { readFileSync } from "node:fs"
import path from "node:path"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { signalBits, signalsOverlap } from "../../src/core/dbc/dbc-bits.js"
import { decodeMessage, decodeSignal } from "../../src/core/dbc/dbc-decode.js"
import type { Dbc, DbcMessage } from "../../src/core/dbc/dbc-types.js"
import { npyBytes8, npyFloat64, npyInt64, readNpy } from "../support/npy.js"
import { oracleFrames, type OracleFrame } from "../support/oracle.js"
import { dataPath, repoRoot, subaruTruth, SUBARU_T0_NS } from "../support/shared-data.js"

const can = (...p: string[]) => dataPath("comma2k19_rav4_seg40", "processed_log", "CAN", ...p)

describe("bundled DBCs are the opendbc files of ../shared/data", () => {
  it.each(["subaru_global_2017_generated", "toyota_new_mc_pt_generated", "toyota_adas"])("%s", name => {
    const bundled = readFileSync(path.join(repoRoot, "assets", "dbc", `${name}.dbc`))
    expect(bundled.equals(readFileSync(dataPath("opendbc", `${name}.dbc`)))).toBe(true)
  })
})

describe("comma2k19 RAV4 golden decode (toyota_new_mc_pt_generated)", () => {
  let toyota: Dbc
  let address: number[]
  let src: number[]
  let t: Float64Array
  let data: Uint8Array[]
  beforeAll(() => {
    toyota = Effect.runSync(loadBundledDbc("toyota_new_mc_pt_generated"))
    address = npyInt64(readNpy(can("raw_can", "address")))
    src = npyInt64(readNpy(can("raw_can", "src")))
    t = npyFloat64(readNpy(can("raw_can", "t")))
    data = npyBytes8(readNpy(can("raw_can", "data")))
    expect(address.length).toBe(135468)
  })

  const framesOf = (addr: number) => {
    const idx: number[] = []
    for (let i = 0; i < address.length; i++) if (address[i] === addr && src[i] === 0) idx.push(i)
    return idx
  }

  it("0x25 STEER_ANGLE_SENSOR: STEER_ANGLE + STEER_FRACTION equals comma.ai's steering angle exactly", () => {
    const message = toyota.messagesByAddress.get(0x25) as DbcMessage
    expect(message.name).toBe("STEER_ANGLE_SENSOR")
    const angle = message.signalsByName.get("STEER_ANGLE")!
    const fraction = message.signalsByName.get("STEER_FRACTION")!
    expect([angle.startBit, angle.length, angle.byteOrder, angle.signed, angle.factor]).toEqual([3, 12, "motorola", true, 1.5])
    expect([fraction.startBit, fraction.length, fraction.byteOrder, fraction.signed, fraction.factor]).toEqual([39, 4, "motorola", true, 0.1])
    const expectedT = npyFloat64(readNpy(can("steering_angle", "t")))
    const expected = npyFloat64(readNpy(can("steering_angle", "value")))
    const idx = framesOf(0x25)
    expect(idx.length).toBe(4974)
    expect(expected.length).toBe(4974)
    let maxDiff = 0
    let nonZero = 0
    idx.forEach((i, k) => {
      expect(t[i]).toBe(expectedT[k])
      const value = decodeSignal(angle, data[i]) + decodeSignal(fraction, data[i])
      maxDiff = Math.max(maxDiff, Math.abs(value - expected[k]))
      if (expected[k] !== 0) nonZero++
    })
    expect(maxDiff).toBe(0)
    expect(nonZero).toBeGreaterThan(1000)
  })

  it("0xaa WHEEL_SPEEDS: DBC km/h ÷ 3.6 equals comma.ai's wheel speeds (FL, FR, RL, RR) within 1e-9", () => {
    const message = toyota.messagesByAddress.get(0xaa) as DbcMessage
    expect(message.name).toBe("WHEEL_SPEEDS")
    const order = ["WHEEL_SPEED_FL", "WHEEL_SPEED_FR", "WHEEL_SPEED_RL", "WHEEL_SPEED_RR"]
    const expected = npyFloat64(readNpy(can("wheel_speed", "value")))
    const idx = framesOf(0xaa)
    expect(idx.length * 4).toBe(expected.length)
    let maxDiff = 0
    idx.forEach((i, k) => {
      const values = decodeMessage(message, data[i]).values
      order.forEach((name, c) => {
        maxDiff = Math.max(maxDiff, Math.abs(values[name] / 3.6 - expected[k * 4 + c]))
      })
    })
    expect(maxDiff).toBeLessThan(1e-9)
    expect(Math.max(...expected)).toBeGreaterThan(5)
  })
})

describe("Subaru Cruise_Status 0x241 (subaru_global_2017_generated)", () => {
  let subaru: Dbc
  let frames: ReadonlyArray<OracleFrame>
  const truth = subaruTruth()
  beforeAll(() => {
    subaru = Effect.runSync(loadBundledDbc("subaru_global_2017_generated"))
    frames = oracleFrames("subaru_cruise_demo.frames.csv")
  })
  const tRel = (f: OracleFrame) => (f.timeNs - SUBARU_T0_NS) / 1e9

  it("Cruise_Set_Speed is Motorola 51|12 with the truth file's bits, not overlapping Cruise_On / Cruise_Activated", () => {
    const m = subaru.messagesByAddress.get(0x241)!
    const setSpeed = m.signalsByName.get("Cruise_Set_Speed")!
    expect([setSpeed.startBit, setSpeed.length, setSpeed.byteOrder]).toEqual([51, 12, "motorola"])
    expect(signalBits(setSpeed)).toEqual(truth.set_speed.cruise_status.bits_msb_to_lsb)
    for (const other of ["Cruise_On", "Cruise_Activated"]) {
      const sig = m.signalsByName.get(other)!
      expect(signalsOverlap(setSpeed, sig)).toBe(false)
      expect(signalBits(setSpeed)).not.toContain(signalBits(sig)[0])
    }
    expect(signalBits(m.signalsByName.get("Cruise_On")!)).toEqual([truth.bits.Cruise_Status_Cruise_On.lsb_bit])
    expect(signalBits(m.signalsByName.get("Cruise_Activated")!)).toEqual([truth.bits.Cruise_Status_Cruise_Activated.lsb_bit])
  })

  it("decodes 56 over [40.2, 110.0) and 0 elsewhere, and equals ((d[6] & 0x0F) << 8) | d[7]", () => {
    const [[from, to]] = truth.set_speed.shown_windows_s
    const setSpeed = subaru.messagesByAddress.get(0x241)!.signalsByName.get("Cruise_Set_Speed")!
    const mine = frames.filter(f => f.address === 0x241 && f.bus === 0)
    expect(mine.length).toBe(truth.frame_counts_by_bus_address["0:0x241"])
    let inside = 0
    const intelMisread = new Set<number>()
    for (const f of mine) {
      const value = decodeSignal(setSpeed, f.data)
      const t = tRel(f)
      expect(value).toBe(t >= from && t < to ? truth.set_speed.value : 0)
      expect(value).toBe(((f.data[6] & 0x0f) << 8) | f.data[7])
      if (t >= from && t < to) inside++
      const u64 = Buffer.from(f.data).readBigUInt64LE(0)
      intelMisread.add(Number((u64 >> 51n) & 0xfffn))
    }
    expect(inside).toBeGreaterThan(1000)
    expect([...intelMisread].sort((a, b) => a - b)).toEqual([0, 8, 1800, 1816])
  })

  it("ES_DashStatus.Cruise_Set_Speed (bus 2, Intel 40|8) is 56 over the same window", () => {
    const signal = subaru.messagesByName.get("ES_DashStatus")!.signalsByName.get("Cruise_Set_Speed")!
    const on = frames.filter(f => f.address === 0x321 && f.bus === 2 && decodeSignal(signal, f.data) === 56).map(tRel)
    expect(Math.min(...on)).toBeCloseTo(40.2, 9)
    expect(Math.max(...on)).toBeCloseTo(109.9, 9)
  })

  it("every 1-bit signal of the truth file decodes to the observed runs (first on, last on, first off, frames)", () => {
    const runs = truth.observed_from_decoded_frames.bit_runs_s as Record<string, Record<string, any[]>>
    let checked = 0
    for (const [key, spec] of Object.entries<any>(truth.bits)) {
      const message = subaru.messagesByAddress.get(spec.address)!
      expect(message.name).toBe(spec.message)
      const signal = message.signalsByName.get(spec.signal)!
      expect(signalBits(signal)).toEqual([spec.lsb_bit])
      for (const [busKey, expected] of Object.entries(runs[key])) {
        const bus = Number(busKey.slice(4))
        const mine = frames.filter(f => f.address === spec.address && f.bus === bus)
        const got: Array<{ first_on: number; last_on: number; frames: number; first_off_after: number | null }> = []
        let open = false
        for (const f of mine) {
          const t = Math.round(tRel(f) * 1000) / 1000
          if (decodeSignal(signal, f.data) === 1) {
            if (open) {
              got[got.length - 1].last_on = t
              got[got.length - 1].frames++
            } else got.push({ first_on: t, last_on: t, frames: 1, first_off_after: null })
            open = true
          } else {
            if (open) got[got.length - 1].first_off_after = t
            open = false
          }
        }
        expect(got).toEqual(expected)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15)
  })
})
