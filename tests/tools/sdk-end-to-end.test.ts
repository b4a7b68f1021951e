import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { parseCsvText } from "../support/csv-text.js"
import { readNpyFloat64 } from "../support/npy.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"

const truth = subaruTruth()
const dir = mkdtempSync(path.join(tmpdir(), "cts-analyzers-"))
let cts: CtsClient
beforeAll(async () => {
  cts = await createCts({ dataDir: path.join(dir, "data"), concurrency: 2 })
})
afterAll(async () => {
  await cts?.close()
  rmSync(dir, { recursive: true, force: true })
})

const subaru = dataPath("rlog", "subaru_cruise_demo.rlog.zst")
const out = (name: string) => path.join(dir, name)
const read = (file: string) => readFileSync(file, "utf8")

describe("the analyzers through the SDK (executor, worker thread, artifact store)", () => {
  it("lists the four analyzers with their params as JSON Schema", async () => {
    const caps = await cts.capabilities()
    const ids = caps.tools.map(t => t.id)
    for (const id of ["cruise-control-analyzer", "can-bitwatch", "find-similar-bits", "dbc-signals"]) expect(ids).toContain(id)
    const cruise = caps.tools.find(t => t.id === "cruise-control-analyzer")!
    expect(JSON.stringify(cruise.paramsJsonSchema)).toContain("speed_min")
  })

  it("cruise-control-analyzer: ranks the Set bits first and writes the report", async () => {
    const r = await runTool("cruise-control-analyzer", { input: subaru, outDir: out("cruise"), cts })
    expect(r.status).toBe("completed")
    expect(r.summary?.set_presses_s).toEqual([truth.events_s.set_button_pressed[0][0]])
    const rows = JSON.parse(read(path.join(out("cruise"), "candidates.json")))
    expect(
      rows
        .slice(0, 2)
        .map((x: any) => `${x.address_hex}:${x.bit_global}`)
        .sort()
    ).toEqual(["0x146:43", "0x221:57"])
    expect(read(path.join(out("cruise"), "analysis_report.html"))).toContain("<svg")
    expect(r.artifacts.map(a => a.name)).toContain("engaged_intervals.csv")
  })

  it("can-bitwatch: reads the rlog and finds the Set bit among the window-only bits", async () => {
    const r = await runTool("can-bitwatch", { input: subaru, params: { window_start: 37, window_end: 43 }, outDir: out("bitwatch"), cts })
    expect(r.status).toBe("completed")
    const { header, rows } = parseCsvText(read(path.join(out("bitwatch"), "candidates_window_only.csv")))
    const at = (n: string) => header.indexOf(n)
    expect(rows.some(x => x[at("address")] === "0x146" && x[at("bus")] === "0" && x[at("global_idx")] === "43")).toBe(true)
  })

  it("find-similar-bits: puts CruiseControl.Cruise_Activated in the top ten", async () => {
    const r = await runTool("find-similar-bits", { input: subaru, outDir: out("similar"), cts })
    expect(r.status).toBe("completed")
    const rows = JSON.parse(read(path.join(out("similar"), "similar_bits.json")))
    expect(rows.slice(0, 10).some((x: any) => x.address_hex === "0x240" && x.bit_global === truth.bits.Cruise_Activated.lsb_bit)).toBe(true)
  })

  it("dbc-signals: reproduces the steering angle, with the DBC given as a file input", async () => {
    const r = await runTool("dbc-signals", {
      input: [dataPath("rlog", "rav4_seg40.rlog.bz2"), dataPath("opendbc", "toyota_new_mc_pt_generated.dbc")],
      params: { messages: ["STEER_ANGLE_SENSOR"], bus: [0] },
      outDir: out("dbc"),
      cts
    })
    expect(r.status).toBe("completed")
    const { header, rows } = parseCsvText(read(path.join(out("dbc"), "STEER_ANGLE_SENSOR.csv")))
    const want = readNpyFloat64(dataPath("comma2k19_rav4_seg40", "processed_log", "CAN", "steering_angle", "value")).values
    const a = header.indexOf("STEER_ANGLE")
    const f = header.indexOf("STEER_FRACTION")
    expect(rows.map(x => Number(x[a]) + Number(x[f]))).toEqual(Array.from(want))
  })

  it("refuses bad input with a typed error before any run is made, not a crash", async () => {
    const before = (await cts.list({})).items.length
    const r = await runTool("cruise-control-analyzer", { input: dataPath("rlog", "subaru_cruise_demo.frames.csv"), cts }).catch(e => e)
    expect(r).toMatchObject({ _tag: "ValidationError", code: "wrong_input_type" })
    expect(r.message).toContain('"subaru_cruise_demo.frames.csv" looks like a text file')
    const dbc = await runTool("dbc-signals", {
      input: [subaru, dataPath("opendbc", "subaru_global_2017_generated.dbc")],
      params: { messages: ["NO_SUCH_MESSAGE"] },
      cts
    }).catch(e => e)
    expect(dbc).toMatchObject({ _tag: "ValidationError", code: "unknown_dbc_name" })
    expect((await cts.list({})).items.length).toBe(before)
    const bad = await runTool("cruise-control-analyzer", { input: subaru, params: { engaged_bit: "0x146" }, cts }).catch(e => e)
    expect(bad).toMatchObject({ _tag: "ValidationError", code: "invalid_param" })
    expect(bad.message).toContain('Bad bit spec "0x146"')
  })
})
