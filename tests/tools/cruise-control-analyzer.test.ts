import { beforeAll, describe, expect, it } from "vitest"
import { cruiseControlAnalyzer } from "../../src/core/tools/cruise-control-analyzer/tool.js"
import { oracleFrames } from "../support/oracle.js"
import { dataPath, subaruPeriod, subaruTruth } from "../support/shared-data.js"
import { fileInput, runToolInMemory, type TestRun } from "./helpers/tool-context.js"

const truth = subaruTruth()
const T0 = truth.time_base.t0_logMonoTime_ns as number
let run: TestRun

beforeAll(async () => {
  run = await runToolInMemory(cruiseControlAnalyzer, {}, [fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))])
  expect(run.error).toBeUndefined()
})

const json = (name: string) => run.artifacts.get(name)!.json()
const events = (name: string) => json("timeline.json").filter((e: any) => e.event_name === name)

describe("cruise-control-analyzer on the Subaru demo, against subaru_cruise_demo.truth.json", () => {
  it("finds every Set / Resume / Main press at the truth time ± one Cruise_Buttons frame period", () => {
    const period = subaruPeriod(0x146, 0)
    const cases: Array<[string, number[][]]> = [
      ["set_pressed", truth.events_s.set_button_pressed],
      ["resume_pressed", truth.events_s.resume_button_pressed],
      ["main_pressed", truth.events_s.main_button_pressed]
    ]
    for (const [name, windows] of cases) {
      const found = events(name).map((e: any) => e.ts_rel)
      expect(found.length, name).toBe(windows.length)
      windows.forEach(([start], i) => expect(Math.abs(found[i] - start), `${name} #${i}`).toBeLessThanOrEqual(period + 1e-9))
    }
  })

  it("reports the cruise activation intervals within one CruiseControl frame period", () => {
    const period = subaruPeriod(0x240, 0)
    const rows = json("engaged_intervals.json")
    expect(rows.map((r: any) => [r.address_hex, r.bit_global, r.bus])).toEqual([
      ["0x240", 41, 0],
      ["0x240", 41, 0]
    ])
    const expected = truth.events_s.cruise_active as number[][]
    expect(rows.length).toBe(expected.length)
    rows.forEach((r: any, i: number) => {
      expect(Math.abs(r.start_rel - expected[i][0])).toBeLessThanOrEqual(period)
      expect(Math.abs(r.end_rel - expected[i][1])).toBeLessThanOrEqual(period)
    })
  })

  it("finds the 55–56 mph intervals within one Wheel_Speeds frame period", () => {
    const period = subaruPeriod(0x13a, 0)
    const expected = truth.observed_from_decoded_frames.target_speed_55_56_mph_intervals_s as number[][]
    const enter = events("target_speed_enter").map((e: any) => e.ts_rel)
    const exit = events("target_speed_exit").map((e: any) => e.ts_rel)
    expect(enter.length).toBe(expected.length)
    expected.forEach(([a, b], i) => {
      expect(Math.abs(enter[i] - a)).toBeLessThanOrEqual(period)
      expect(Math.abs(exit[i] - b)).toBeLessThanOrEqual(period)
    })
  })

  it("finds the blinker marker 38.5 → 41.5 and pads it to 37.0–43.0", () => {
    const period = subaruPeriod(0x390, 0)
    const [left] = truth.events_s.left_blinker[0]
    const [right] = truth.events_s.right_blinker[0]
    const meta = json("candidates.analysis_meta.json")
    expect(meta.window_source).toBe("blinkers")
    expect(meta.windows).toHaveLength(1)
    const w = meta.windows[0]
    expect(w.partial).toBe(false)
    expect(Math.abs(w.marker_start_rel - left)).toBeLessThanOrEqual(period)
    expect(Math.abs(w.marker_end_rel - right)).toBeLessThanOrEqual(period)
    expect(Math.abs(w.start_rel - (left - 1.5))).toBeLessThanOrEqual(period)
    expect(Math.abs(w.end_rel - (right + 1.5))).toBeLessThanOrEqual(period)
  })

  it("ranks Cruise_Buttons 0x146 bit 43 (bus 0) and ES_Distance 0x221 bit 57 (bus 2) above every other bit", () => {
    const rows = json("candidates.json").filter((r: any) => r.window_index === 0)
    const top = rows
      .slice(0, 2)
      .map((r: any) => `${r.address_hex}:${r.bus}:${r.bit_global}`)
      .sort()
    expect(top).toEqual(["0x146:0:43", "0x221:2:57"])
    const setScore = Math.min(rows[0].score, rows[1].score)
    for (const r of rows.slice(2)) expect(r.score, `${r.address_hex} b${r.bit_global}`).toBeLessThan(setScore)
    expect(truth.bits.Set.lsb_bit).toBe(43)
    expect(truth.bits.ES_Distance_Cruise_Set.lsb_bit).toBe(57)
  })

  it("never ranks blinker bits, checksum bytes, counters or TX echoes", () => {
    const rows = json("candidates.json")
    expect(rows.length).toBeGreaterThan(10)
    for (const r of rows) {
      expect(r.bit_global, `${r.address_hex} b${r.bit_global}`).toBeGreaterThanOrEqual(12)
      expect(r.bus).toBeLessThan(128)
      expect(r.address_hex === "0x390" && [50, 51].includes(r.bit_global)).toBe(false)
    }
    expect(json("candidates.analysis_meta.json").suppressed_bits.marker).toBe(2)
  })

  it("counts frames and unique payloads per segment exactly as the oracle frames give them", () => {
    const frames = oracleFrames("subaru_cruise_demo.frames.csv")
    const rows = json("counts_by_segment.json")
    const perBus = new Map<string, Map<number, number>>()
    for (const f of frames) {
      if (f.bus >= 128) continue
      const key = `0x${f.address.toString(16).toUpperCase().padStart(3, "0")}`
      const m = perBus.get(key) ?? new Map<number, number>()
      m.set(f.bus, (m.get(f.bus) ?? 0) + 1)
      perBus.set(key, m)
    }
    const busOf = Object.fromEntries([...perBus].map(([k, m]) => [k, [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0]]))
    const expected = new Map<string, { n: [number, number, number]; u: [Set<string>, Set<string>, Set<string>] }>()
    const [ws, we] = [rows[0].window_start_rel, rows[0].window_end_rel]
    for (const f of frames) {
      const key = `0x${f.address.toString(16).toUpperCase().padStart(3, "0")}`
      if (busOf[key] !== f.bus) continue
      const t = (f.timeNs - T0) / 1e9
      const seg: number = t >= ws - (we - ws) && t < ws ? 0 : t >= ws && t <= we ? 1 : t > we && t <= we + (we - ws) ? 2 : -1
      if (seg === -1) continue
      const e = expected.get(`${key}:${f.bus}`) ?? {
        n: [0, 0, 0] as [number, number, number],
        u: [new Set<string>(), new Set<string>(), new Set<string>()] as [Set<string>, Set<string>, Set<string>]
      }
      e.n[seg]++
      e.u[seg].add(f.hex)
      expected.set(`${key}:${f.bus}`, e)
    }
    expect(rows.length).toBe(expected.size)
    for (const r of rows) {
      const e = expected.get(`${r.address_hex}:${r.bus}`)!
      expect([r.pre_count, r.window_count, r.post_count], r.address_hex).toEqual(e.n)
      expect([r.uniq_pre, r.uniq_window, r.uniq_post], r.address_hex).toEqual(e.u.map(s => s.size))
      expect(r.delta).toBe(e.n[1] - Math.max(e.n[0], e.n[2]))
    }
  })

  it("exports the Set bit's edges with the speed, main and brake state at each edge", () => {
    const edges = json("edges.json").filter((e: any) => e.address_hex === "0x146" && e.bit_global === 43)
    const run0 = truth.observed_from_decoded_frames.bit_runs_s.Set.bus_0[0]
    expect(edges.map((e: any) => [e.edge, e.ts_rel])).toEqual([
      ["rise", run0.first_on],
      ["fall", run0.first_off_after]
    ])
    for (const e of edges) {
      expect(e.main).toBe(1)
      expect(e.brake).toBe(0)
      expect(e.speed_mph).toBeGreaterThanOrEqual(truth.observed_from_decoded_frames.wheel_speed_mph.windows["35-60"].min_mph - 1e-3)
      expect(e.speed_mph).toBeLessThanOrEqual(truth.observed_from_decoded_frames.wheel_speed_mph.windows["35-60"].max_mph + 1e-3)
    }
    const runs = json("runs.json").filter((r: any) => r.address_hex === "0x221" && r.bit_global === 57 && r.bus === 2)
    const es = truth.observed_from_decoded_frames.bit_runs_s.ES_Distance_Cruise_Set.bus_2[0]
    expect(runs.map((r: any) => [r.start_rel, r.end_rel])).toEqual([[es.first_on, es.first_off_after]])
  })
})
