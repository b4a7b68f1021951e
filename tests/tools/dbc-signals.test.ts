import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseCsvText } from "../support/csv-text.js"
import { dbcSignals } from "../../src/core/tools/dbc-signals/tool.js"
import { readNpyFloat64 } from "../support/npy.js"
import { oracleFrames } from "../support/oracle.js"
import { dataPath } from "../support/shared-data.js"
import { bytesInput, fileInput, runToolInMemory } from "./helpers/tool-context.js"

const rav4 = () => fileInput(dataPath("rlog", "rav4_seg40.rlog"))
const steering = () => readNpyFloat64(dataPath("comma2k19_rav4_seg40", "processed_log", "CAN", "steering_angle", "value"))

describe("dbc-signals on the RAV4 log", () => {
  it("reproduces comma.ai's steering angle exactly from STEER_ANGLE_SENSOR (bundled Toyota DBC)", async () => {
    const run = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated", messages: ["STEER_ANGLE_SENSOR"], bus: [0] }, [rav4()])
    expect(run.error).toBeUndefined()
    const { header, rows } = parseCsvText(run.artifacts.get("STEER_ANGLE_SENSOR.csv")!.text())
    expect(header.slice(0, 3)).toEqual(["time", "addr", "bus"])
    const angle = header.indexOf("STEER_ANGLE")
    const fraction = header.indexOf("STEER_FRACTION")
    const expected = steering()
    expect(expected.shape).toEqual([4974])
    expect(rows.length).toBe(expected.values.length)
    let identical = 0
    rows.forEach((r, i) => {
      expect(r[1]).toBe("0x25")
      expect(r[2]).toBe("0")
      if (Number(r[angle]) + Number(r[fraction]) === expected.values[i]) identical++
    })
    expect(identical).toBe(expected.values.length)
  })

  it("puts frame times in order as seconds from the first CAN frame", async () => {
    const run = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated", messages: ["0x25"], bus: [0] }, [rav4()])
    const { rows } = parseCsvText(run.artifacts.get("STEER_ANGLE_SENSOR.csv")!.text())
    const frames = oracleFrames("rav4_seg40.frames.csv")
    const t0 = frames[0].timeNs
    const mine = frames.filter(f => f.address === 0x25 && f.bus === 0).map(f => (f.timeNs - t0) / 1e9)
    expect(rows.map(r => Number(r[0]))).toEqual(mine)
  })

  it("takes a DBC file input and writes the long layout", async () => {
    const dbcFile = fileInput(dataPath("opendbc", "toyota_new_mc_pt_generated.dbc"))
    const run = await runToolInMemory(dbcSignals, { layout: "long", signals: ["STEER_ANGLE_SENSOR.STEER_ANGLE"] }, [rav4(), dbcFile])
    expect(run.error).toBeUndefined()
    const { header, rows } = parseCsvText(run.artifacts.get("signals.csv")!.text())
    expect(header).toEqual(["time", "addr", "bus", "message", "signal", "value"])
    expect(rows.length).toBe(4974)
    expect(new Set(rows.map(r => `${r[3]}.${r[4]}`))).toEqual(new Set(["STEER_ANGLE_SENSOR.STEER_ANGLE"]))
    const index = run.artifacts.get("dbc_signals_index.json")!.json()
    expect(index.dbc).toContain(dbcFile.sha256)
  })

  it("decodes every DBC message present, one file per message, rows = oracle frame counts", async () => {
    const run = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated" }, [fileInput(dataPath("rlog", "rav4_seg40.rlog.zst"))])
    expect(run.error).toBeUndefined()
    const index = run.artifacts.get("dbc_signals_index.json")!.json()
    const counts = new Map<string, number>()
    for (const f of oracleFrames("rav4_seg40.frames.csv"))
      counts.set(`0x${f.address.toString(16).toUpperCase()}`, (counts.get(`0x${f.address.toString(16).toUpperCase()}`) ?? 0) + 1)
    expect(index.files.length).toBeGreaterThan(10)
    for (const f of index.files) {
      expect(f.rows, f.message).toBe(counts.get(f.address))
      const text = run.artifacts.get(f.file)!.text()
      expect(text.trimEnd().split("\n").length - 1).toBe(f.rows)
    }
  })
})

describe("dbc-signals on a truncated log", () => {
  it("decodes every complete event and reports the truncation", async () => {
    const expected = JSON.parse(readFileSync(dataPath("rlog", "bad", "EXPECTED.json"), "utf8"))
    const run = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated", messages: ["STEER_ANGLE_SENSOR"] }, [
      fileInput(dataPath("rlog", "bad", "truncated.rlog.zst"))
    ])
    expect(run.error).toBeUndefined()
    const prefix = oracleFrames("rav4_seg40.frames.csv").slice(0, expected["truncated.rlog.zst"].complete_can_frames)
    const { rows } = parseCsvText(run.artifacts.get("STEER_ANGLE_SENSOR.csv")!.text())
    expect(rows.length).toBe(prefix.filter(f => f.address === 0x25).length)
    expect((run.result!.summary.log_warnings as Array<{ code: string }>).map(w => w.code)).toContain("truncated_log")
    expect(run.logs.some(l => l.level === "warn" && l.message.startsWith("truncated_log"))).toBe(true)
  })
})

describe("dbc-signals bad input", () => {
  it("names the line of a DBC that does not parse", async () => {
    const broken = readFileSync(dataPath("opendbc", "toyota_new_mc_pt_generated.dbc"), "utf8").replace(
      "BO_ 37 STEER_ANGLE_SENSOR: 8 XXX",
      "BO_ 37 STEER_ANGLE_SENSOR 8 XXX"
    )
    const line = broken.split("\n").findIndex(l => l.startsWith("BO_ 37 STEER_ANGLE_SENSOR 8")) + 1
    const run = await runToolInMemory(dbcSignals, {}, [rav4(), bytesInput("broken.dbc", broken)])
    expect(run.error?._tag).toBe("ValidationError")
    expect(run.error?.code).toBe("dbc_parse_error")
    expect(run.error?.message).toContain(`line ${line}`)
    expect(run.artifacts.size).toBe(0)
  })

  it("refuses a CSV as the log, an unknown bundled DBC and a bus with no CAN", async () => {
    const csv = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated" }, [fileInput(dataPath("rlog", "rav4_seg40.frames.csv"))])
    expect(csv.error?.code).toBe("wrong_input_type")
    const unknown = await runToolInMemory(dbcSignals, { dbc: "no_such_dbc" }, [rav4()])
    expect(unknown.error?.code).toBe("unknown_dbc")
    const bus = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated", bus: [2] }, [rav4()])
    expect(bus.error?._tag).toBe("ToolError")
    expect(bus.error?.code).toBe("no_matching_frames")
    expect(bus.artifacts.size).toBe(0)
    const missing = await runToolInMemory(dbcSignals, { dbc: "toyota_new_mc_pt_generated", messages: ["NOPE"] }, [rav4()])
    expect(missing.error?.code).toBe("unknown_dbc_name")
  })
})
