import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"
import { cruiseControlAnalyzer } from "../../src/core/tools/cruise-control-analyzer/tool.js"
import { parseCsvText } from "../support/csv-text.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"
import { bytesInput, fileInput, runToolInMemory, type TestRun } from "./helpers/tool-context.js"

const truth = subaruTruth()
const demo = dataPath("rlog", "subaru_cruise_demo.rlog.zst")
const hostile = `<script>alert("x")</script>&.rlog.zst`
const TABLES = ["counts_by_segment", "candidates", "edges", "runs", "timeline", "engaged_intervals"]

describe("cruise-control-analyzer outputs", () => {
  let run: TestRun
  const sha = createHash("sha256").update(readFileSync(demo)).digest("hex")
  beforeAll(async () => {
    run = await runToolInMemory(cruiseControlAnalyzer, {}, [{ ...fileInput(demo), name: hostile }])
    expect(run.error).toBeUndefined()
  })

  it("writes every table as CSV with a # metadata header, a JSON twin and a sidecar, all recording the input sha256", () => {
    for (const name of TABLES) {
      const { meta, header, rows } = parseCsvText(run.artifacts.get(`${name}.csv`)!.text())
      const metaJson = JSON.parse(meta.meta_json)
      expect(metaJson.schema_version).toBe(`${name}.v1`)
      expect(metaJson.input_hashes[hostile]).toBe(`sha256:${sha}`)
      expect(metaJson.tool_version).toBe(cruiseControlAnalyzer.version)
      expect(run.artifacts.get(`${name}.analysis_meta.json`)!.json()).toEqual(metaJson)
      const twin = run.artifacts.get(`${name}.json`)!.json()
      expect(twin.length, name).toBe(rows.length)
      expect(metaJson.row_count).toBe(rows.length)
      rows.forEach((r, i) => header.forEach((h, j) => expect(r[j], `${name}[${i}].${h}`).toBe(twin[i][h] === null ? "" : String(twin[i][h]))))
      for (const ext of [".csv", ".json", ".analysis_meta.json"]) {
        const m = run.artifacts.get(`${name}${ext}`)!.metadata!
        expect(m.inputSha256).toEqual([sha])
        expect(m.toolVersion).toBe(cruiseControlAnalyzer.version)
      }
    }
  })

  it("keeps the old v1 column names first", () => {
    const header = (n: string) => parseCsvText(run.artifacts.get(`${n}.csv`)!.text()).header
    expect(header("counts_by_segment").slice(0, 9)).toEqual([
      "address_hex",
      "bus",
      "pre_count",
      "window_count",
      "post_count",
      "delta",
      "uniq_pre",
      "uniq_window",
      "uniq_post"
    ])
    expect(header("candidates").slice(0, 13)).toEqual([
      "address_hex",
      "bit_global",
      "byte_index",
      "bit_lsb",
      "bit_msb",
      "label_lsb",
      "label_msb",
      "score",
      "rises_set",
      "falls_end",
      "toggles",
      "penalty",
      "bus"
    ])
    expect(header("edges").slice(0, 15)).toEqual([
      "address_hex",
      "bit_global",
      "byte_index",
      "bit_lsb",
      "bit_msb",
      "label_lsb",
      "label_msb",
      "ts_abs",
      "ts_rel",
      "ts_mmss",
      "edge",
      "speed_mph",
      "main",
      "brake",
      "bus"
    ])
    expect(header("timeline")).toEqual(["ts_abs", "ts_rel", "ts_mmss", "event_name", "description", "speed_mph"])
    const interval = [
      "address_hex",
      "bit_global",
      "byte_index",
      "bit_lsb",
      "bit_msb",
      "label_lsb",
      "label_msb",
      "start_abs",
      "start_rel",
      "start_mmss",
      "end_abs",
      "end_rel",
      "end_mmss",
      "duration_s",
      "duration_mmss",
      "bus"
    ]
    expect(header("runs").slice(0, 16)).toEqual(interval)
    expect(header("engaged_intervals").slice(0, 16)).toEqual(interval)
    const set = run.artifacts.get("candidates.json")!.json()[0]
    expect([set.label_lsb, set.label_msb].sort()).toEqual(set.bit_global === 43 ? ["Byte5 bit3 (LSB)", "MSB B5b4"] : ["Byte7 bit1 (LSB)", "MSB B7b6"])
  })

  it("writes config_snapshot.json with the params, the input and the bus map", () => {
    const c = run.artifacts.get("config_snapshot.json")!.json()
    expect(c.params.speed_min).toBe(55)
    expect(c.params.marker_type).toBe("blinkers")
    expect(c.inputs).toEqual([{ name: hostile, size: readFileSync(demo).length, sha256: sha }])
    expect(c.id_bus_map["0x146"]).toBe(0)
    expect(c.id_bus_map["0x221"]).toBe(2)
    expect(c.frames_by_bus).toEqual(
      Object.fromEntries(
        Object.entries(truth.observed_from_decoded_frames.frame_counts_by_bus_address as Record<string, number>).reduce((acc, [k, n]) => {
          const bus = k.split(":")[0]
          acc.set(bus, (acc.get(bus) ?? 0) + n)
          return acc
        }, new Map<string, number>())
      )
    )
  })

  it("renders an escaped HTML report with an inline SVG timeline, the candidates and links to the data", () => {
    const html = run.artifacts.get("analysis_report.html")!.text()
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;.rlog.zst")
    expect(html).toMatch(/<svg[^>]*>[\s\S]*<path d="M/)
    expect(html).toContain("target 55–56 mph")
    expect(html).toContain("Cruise_Buttons.Set")
    expect(html).toContain("ES_Distance.Cruise_Set")
    for (const name of TABLES) expect(html).toContain(`href="${name}.csv"`)
    expect(html).toContain('href="config_snapshot.json"')
    expect(html).not.toMatch(/\$\{|undefined|NaN/)
  })
})

describe("cruise-control-analyzer params", () => {
  it("takes an engaged bit in either form and filters to engaged time", async () => {
    const lsb = await runToolInMemory(cruiseControlAnalyzer, { engaged_bit: "0x241:b55" }, [fileInput(demo)])
    const msb = await runToolInMemory(cruiseControlAnalyzer, { engaged_bit: "0x241:B6b0", engaged_mode: "filter", engaged_margin: 0.5 }, [fileInput(demo)])
    const expectedRuns = truth.observed_from_decoded_frames.bit_runs_s.Cruise_Status_Cruise_Activated.bus_0
    for (const r of [lsb, msb]) {
      expect(r.error).toBeUndefined()
      const rows = r.artifacts.get("engaged_intervals.json")!.json()
      expect(rows.map((x: any) => [x.address_hex, x.bit_global, x.start_rel, x.end_rel])).toEqual(
        expectedRuns.map((x: any) => ["0x241", 55, x.first_on, x.first_off_after])
      )
    }
    const edges = msb.artifacts.get("edges.json")!.json()
    expect(edges.length).toBeGreaterThan(0)
    for (const e of edges) expect(expectedRuns.some((x: any) => e.ts_rel >= x.first_on - 0.5 && e.ts_rel <= x.first_off_after + 0.5)).toBe(true)
    expect(msb.artifacts.get("candidates.json")!.json()[0].bit_global).toBeOneOf([43, 57])
  })
})

describe("cruise-control-analyzer bad input", () => {
  const expectFailure = async (params: Record<string, unknown>, input: ReturnType<typeof fileInput>, tag: string, code: string) => {
    const r = await runToolInMemory(cruiseControlAnalyzer, params, [input])
    expect(r.error?._tag, code).toBe(tag)
    expect(r.error?.code).toBe(code)
    expect(r.error?.message.length).toBeGreaterThan(20)
    expect(r.artifacts.size).toBe(0)
    return r.error!
  }
  it("refuses an engaged bit that does not parse, before reading", async () => {
    const r = await runToolInMemory(cruiseControlAnalyzer, { engaged_bit: "0x146:bit43" }, [fileInput(demo)])
    expect(r.error?._tag).toBe("ValidationError")
    expect(r.error?.message).toContain("0x146:bit43")
  })
  it("refuses text inputs (CSV, DBC) as logs", async () => {
    await expectFailure({}, fileInput(dataPath("rlog", "subaru_cruise_demo.frames.csv")), "ValidationError", "wrong_input_type")
    await expectFailure({}, fileInput(dataPath("opendbc", "subaru_global_2017_generated.dbc")), "ValidationError", "wrong_input_type")
  })
  it("fails clearly on an empty log, a corrupt log, a bus without CAN and an absent engaged address", async () => {
    await expectFailure({}, fileInput(dataPath("rlog", "bad", "empty.rlog")), "ToolError", "no_can_frames")
    await expectFailure({}, fileInput(dataPath("rlog", "bad", "garbage_header.rlog")), "ToolError", "bad_segment_table")
    await expectFailure({}, fileInput(dataPath("rlog", "bad", "not_a_log.txt.zst")), "ToolError", "bad_segment_table")
    const e = await expectFailure({ bus: 1 }, fileInput(demo), "ToolError", "no_can_on_bus")
    expect(e.message).toContain("0, 2, 128")
    await expectFailure({ engaged_bit: "0x7FF:b3" }, fileInput(demo), "ToolError", "engaged_bit_not_found")
    await expectFailure({ speed_min: 60, speed_max: 50 }, fileInput(demo), "ValidationError", "invalid_params")
    await expectFailure({}, bytesInput("junk.bin", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0])), "ToolError", "bad_segment_table")
  })
})
