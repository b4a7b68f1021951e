import { beforeAll, describe, expect, it } from "vitest"
import { createBitSimilarity } from "../../src/core/tools/find-similar-bits/bit-similarity.js"
import { findSimilarBits } from "../../src/core/tools/find-similar-bits/tool.js"
import { oracleFrames } from "../support/oracle.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"
import { fileInput, runToolInMemory, type TestRun } from "./helpers/tool-context.js"

const truth = subaruTruth()
const subaru = () => fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))
const row = (rows: any[], hex: string, bus: number, bit: number) => rows.find(r => r.address_hex === hex && r.bus === bus && r.bit_global === bit)

/**
 * The truth file's carState model, independently of the tool: carState comes 2 ms after each can
 * event and carries the latest 0x240 Cruise_Activated, so a frame at time t is compared with the
 * value of the last 0x240 frame strictly before t. Returns mismatch share of one bit of one stream.
 */
const expectedMismatch = (address: number, bus: number, bit: number): number => {
  const frames = oracleFrames("subaru_cruise_demo.frames.csv")
  let enabled: boolean | undefined
  let pendingTime = -1
  let pendingValue = false
  let samples = 0
  let mismatches = 0
  for (const f of frames) {
    if (pendingTime >= 0 && f.timeNs > pendingTime) (enabled = pendingValue), (pendingTime = -1)
    if (f.address === address && f.bus === bus && enabled !== undefined) {
      samples++
      if ((((f.data[bit >> 3] >> (bit & 7)) & 1) === 1) !== enabled) mismatches++
    }
    if (f.address === 0x240 && f.bus === 0) (pendingTime = f.timeNs), (pendingValue = ((f.data[5] >> 1) & 1) === 1)
  }
  return Math.round((mismatches / samples) * 1e6) / 1e6
}

describe("find-similar-bits on the Subaru demo", () => {
  let run: TestRun
  beforeAll(async () => {
    run = await runToolInMemory(findSimilarBits, { signal: "cruiseState.enabled", dbc: "subaru_global_2017_generated" }, [
      { ...subaru(), name: "<img src=x onerror=alert(1)>.zst" }
    ])
    expect(run.error).toBeUndefined()
  })

  it("ranks the cruise-activated bits of the truth file at the top, with the oracle's mismatch shares", () => {
    const rows = run.artifacts.get("similar_bits.json")!.json()
    const wanted = [
      ["Cruise_Activated", "0x240", 0],
      ["Cruise_Status_Cruise_Activated", "0x241", 0],
      ["ES_Brake_Cruise_Activated", "0x220", 2],
      ["ES_DashStatus_Cruise_Activated", "0x321", 2],
      ["ES_Status_Cruise_Activated", "0x222", 2]
    ] as const
    let worst = 0
    for (const [name, hex, bus] of wanted) {
      const bit = truth.bits[name].lsb_bit
      const r = row(rows, hex, bus, bit)
      expect(r, name).toBeDefined()
      expect(r.match).toBe("direct")
      expect(r.mismatch_share, name).toBe(expectedMismatch(parseInt(hex, 16), bus, bit))
      expect(r.rank, name).toBeLessThanOrEqual(10)
      worst = Math.max(worst, r.rank)
    }
    const cut = rows[worst - 1].best_mismatch_share
    for (const r of rows.slice(worst)) expect(r.best_mismatch_share).toBeGreaterThan(cut)
  })

  it("leaves out checksum bytes, counters and TX echoes", () => {
    const rows = run.artifacts.get("similar_bits.json")!.json()
    for (const r of rows) {
      expect(r.bit_global).toBeGreaterThanOrEqual(12)
      expect(r.bus).toBeLessThan(128)
    }
    expect(run.artifacts.get("similar_bits.analysis_meta.json")!.json().checksum_counter_bits_left_out).toBeGreaterThan(0)
  })

  it("writes an HTML table of the ranking", () => {
    const html = run.artifacts.get("similar_bits.html")!.text()
    expect(html).toContain("<table")
    expect(html).toContain("CruiseControl.Cruise_Activated")
    expect(html).toContain('href="similar_bits.csv"')
    expect(html).not.toContain("<img")
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.zst")
  })

  it("honours min_samples and include_echo", async () => {
    const r = await runToolInMemory(findSimilarBits, { min_samples: 2000, include_echo: true }, [subaru()])
    const rows = r.artifacts.get("similar_bits.json")!.json()
    expect(row(rows, "0x321", 2, 36)).toBeUndefined()
    expect(row(rows, "0x240", 0, 41)).toBeDefined()
    expect(row(rows, "0x221", 128, 23)).toBeDefined()
    const sampled = Object.entries(truth.frame_counts_by_bus_address as Record<string, number>).filter(([, n]) => n - 1 < 2000)
    expect(r.artifacts.get("similar_bits.analysis_meta.json")!.json().streams_below_min_samples).toBe(sampled.length)
  })

  it("finds Brake_Status.Brake for brakePressed, wrong only on the frame after each brake change", async () => {
    const r = await runToolInMemory(findSimilarBits, { signal: "brakePressed" }, [subaru()])
    const rows = r.artifacts.get("similar_bits.json")!.json()
    const brake = row(rows, "0x13C", 0, truth.bits.Brake.lsb_bit)
    const runs = truth.observed_from_decoded_frames.bit_runs_s.Brake.bus_0 as Array<{ first_off_after: number | null }>
    const changes = runs.length + runs.filter(x => x.first_off_after !== null).length
    const samples = truth.frame_counts_by_bus_address["0:0x13C"] - 1
    expect(brake.samples).toBe(samples)
    expect(brake.mismatch_share).toBe(Math.round((changes / samples) * 1e6) / 1e6)
    expect(brake.match).toBe("direct")
    expect(brake.rank).toBeLessThanOrEqual(10)
    for (const above of rows.slice(0, brake.rank - 1)) expect(above.best_mismatch_share).toBeLessThanOrEqual(brake.best_mismatch_share)
  })
})

describe("find-similar-bits bit statistics", () => {
  it("reports an inverted match and exact shares", () => {
    const sim = createBitSimilarity()
    const signal = [false, false, true, true, true, false, true, false, false, false]
    signal.forEach((s, i) => {
      const data = new Uint8Array(2)
      if (!s) data[0] |= 0x01
      if (s !== (i === 9)) data[1] |= 0x80
      sim.observe(0, 0x100, data, s)
    })
    const { bits } = sim.rank(1, () => false)
    const b0 = bits.find(b => b.bit === 0)!
    expect([b0.mismatch, b0.invertedMismatch, b0.inverted, b0.best]).toEqual([1, 0, true, 0])
    const b15 = bits.find(b => b.bit === 15)!
    expect([b15.mismatch, b15.inverted, b15.samplesSignalTrue, b15.samples]).toEqual([0.1, false, 4, 10])
    expect(bits.map(b => b.bit)).toEqual([0, 15])
  })
})

describe("find-similar-bits bad input", () => {
  it("fails clearly on a log without carState, and on a constant signal", async () => {
    const rav4 = fileInput(dataPath("rlog", "rav4_seg40.rlog.zst"))
    const a = await runToolInMemory(findSimilarBits, {}, [rav4])
    expect(a.error?._tag).toBe("ToolError")
    expect(a.error?.code).toBe("signal_missing")
    const b = await runToolInMemory(findSimilarBits, { signal: "controlsAllowed" }, [rav4])
    expect(b.error?.code).toBe("signal_constant")
    expect(b.artifacts.size).toBe(0)
  })

  it("refuses a CSV, an empty log and an unknown DBC name with typed errors", async () => {
    const csv = await runToolInMemory(findSimilarBits, {}, [fileInput(dataPath("rlog", "subaru_cruise_demo.frames.csv"))])
    expect([csv.error?._tag, csv.error?.code]).toEqual(["ValidationError", "wrong_input_type"])
    const empty = await runToolInMemory(findSimilarBits, {}, [fileInput(dataPath("rlog", "bad", "empty.rlog"))])
    expect([empty.error?._tag, empty.error?.code]).toEqual(["ToolError", "no_can_frames"])
    const dbc = await runToolInMemory(findSimilarBits, { dbc: "nope" }, [subaru()])
    expect([dbc.error?._tag, dbc.error?.code]).toEqual(["ValidationError", "unknown_dbc"])
    for (const r of [csv, empty, dbc]) expect(r.artifacts.size).toBe(0)
  })
})
