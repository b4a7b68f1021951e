import { readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { createCts } from "../../src/adapters/sdk/create-cts.js"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { parseCsvText } from "../support/csv-text.js"
import { oracleRows } from "../support/oracle.js"
import { subaruTruth } from "../support/shared-data.js"
import { demoRlog, tempDir } from "../core/helpers.js"
import { oracleRowsNoTime } from "./sim-support.js"

const tmp = tempDir("monitors")
afterAll(() => tmp.cleanup())
const config = { dataDir: path.join(tmp.dir, "data") }

const truthCounts = (): Record<string, number> => subaruTruth().frame_counts_by_bus_address

/** Per-stream frame counts of a bus-check.csv, keyed like the truth file ("bus:0xADDR"). */
const countsOf = (csvFile: string) => {
  const { header, rows } = parseCsvText(readFileSync(csvFile, "utf8"))
  const col = (n: string) => header.indexOf(n)
  return Object.fromEntries(rows.filter(r => Number(r[col("frames")]) > 0).map(r => [`${r[col("bus")]}:${r[col("address")]}`, Number(r[col("frames")])]))
}

const rowsOfLogs = async (files: ReadonlyArray<string>, withTime: boolean) => {
  const rows: string[] = []
  for await (const batch of openLog(files.map(f => fileSource(f))).frames())
    for (const f of batch)
      rows.push(`${withTime ? `${f.timeNs},` : ""}${f.src},0x${f.address.toString(16).toUpperCase()},${Buffer.from(f.data).toString("hex").toUpperCase()}`)
  return rows
}

describe("can-bus-check", () => {
  for (const source of ["log", "simulate"] as const) {
    it(`counts every (bus, address) stream of the Subaru drive as the truth file does (source ${source})`, async () => {
      const outDir = path.join(tmp.dir, `bus-check-${source}`)
      const result = await runTool("can-bus-check", {
        input: demoRlog,
        params: { source, speed: 0, preset: "subaru-global", expected: ["0:0x7FF"] },
        outDir,
        config
      })
      expect(result.status).toBe("completed")
      expect(countsOf(path.join(outDir, "bus-check.csv"))).toEqual(truthCounts())
      expect(result.summary).toMatchObject({ frames: 101_640, missing_throughout: ["0:0x7FF"], frames_received: 101_640 })
      const json = JSON.parse(readFileSync(path.join(outDir, "bus-check.json"), "utf8"))
      if (source === "log") {
        expect(json.windows.length).toBe(24)
        expect(json.windows.every((w: { missing: string[] }) => w.missing.includes("0:0x7FF"))).toBe(true)
        expect(json.windows[0].frames).toBe(oracleRows("subaru_cruise_demo.frames.csv").filter(r => Number(r.split(",")[0]) < 52347120000000 + 5e9).length)
      }
    })
  }

  it("a missing input for source log is a validation error before any run", async () => {
    const err = await runTool("can-bus-check", { input: [], params: { source: "log" }, config }).then(r => r.error)
    expect(err).toMatchObject({ code: "missing_input" })
  })
})

describe("can-capture", () => {
  it("captures the drive from its log to rlog segments that our reader reads back as the oracle, times included", async () => {
    const outDir = path.join(tmp.dir, "capture-log")
    const result = await runTool("can-capture", { input: demoRlog, params: { source: "log", segment_s: 50 }, outDir, config })
    expect(result.status).toBe("completed")
    expect(result.artifacts.map(a => a.name)).toEqual(["capture-000.rlog", "capture-001.rlog", "capture-002.rlog"])
    expect(
      await rowsOfLogs(
        result.artifacts.map(a => a.path!),
        true
      )
    ).toEqual(oracleRows("subaru_cruise_demo.frames.csv"))
    const analysis = await runTool("cruise-control-analyzer", { input: result.artifacts.map(a => a.path!), params: {}, config })
    expect(analysis.status).toBe("completed")
  })

  it("captures through a simulated panda; unplugged mid-stream the run fails device_lost and the segments so far are kept and readable", async () => {
    const ok = await runTool("can-capture", { input: demoRlog, params: { source: "simulate", speed: 0 }, outDir: path.join(tmp.dir, "capture-sim"), config })
    expect(ok.status).toBe("completed")
    expect(
      await rowsOfLogs(
        ok.artifacts.map(a => a.path!),
        false
      )
    ).toEqual(oracleRowsNoTime("subaru_cruise_demo"))

    const cts = await createCts(config)
    try {
      const lost = await runTool("can-capture", {
        cts,
        input: demoRlog,
        params: { source: "simulate", speed: 0, simulate_faults: { unplug_after_frames: 30_000 } }
      })
      expect(lost.status).toBe("failed")
      expect(lost.error).toMatchObject({ code: "device_lost" })
      expect(lost.artifacts).toHaveLength(1)
      expect(lost.artifacts[0].partial).toBe(true)
      const file = path.join(tmp.dir, "lost.rlog")
      const { body } = await cts.download(lost.artifacts[0].id)
      const bytes = new Uint8Array(await new Response(body).arrayBuffer())
      writeFileSync(file, bytes)
      expect(await rowsOfLogs([file], false)).toEqual(oracleRowsNoTime("subaru_cruise_demo").slice(0, 30_000))
    } finally {
      await cts.close()
    }
  })

  it("corrupt packets are counted in the summary and the capture goes on", async () => {
    const r = await runTool("can-capture", { input: demoRlog, params: { source: "simulate", speed: 0, simulate_faults: { corrupt_frames: [1000] } }, config })
    expect(r.status).toBe("completed")
    expect(r.summary).toMatchObject({ receive: { checksumErrors: 1 } })
    expect(r.summary!.frames_written as number).toBeGreaterThan(100_000)
  })
})

describe("hybrid-rx-trace", () => {
  it("flags a 1 Hz stream stale after every gap over 500 ms, never a 50 Hz one, and a missing stream once (truth-file periods)", async () => {
    const truth = subaruTruth()
    const period = (addr: number) => truth.messages.find((m: { address: number; bus: number }) => m.address === addr && m.bus === 0).period_ms
    expect(period(0x68d)).toBe(1000)
    expect(period(0x146)).toBe(20)
    const r = await runTool("hybrid-rx-trace", { input: demoRlog, params: { expected: ["0:0x68D", "0:0x146", "0:0x7FF"], stale_ms: 500 }, config })
    expect(r.status).toBe("completed")
    const byStream = Object.fromEntries((r.summary!.streams as Array<{ stream: string }>).map(s => [s.stream, s]))
    const count = truthCounts()["0:0x68D"]
    expect(byStream["0:0x68D"]).toMatchObject({ frames: count, stale_episodes: count, stale_at_end: false, max_gap_ms: 1000 })
    expect(byStream["0:0x146"]).toMatchObject({ frames: truthCounts()["0:0x146"], stale_episodes: 0, max_gap_ms: 20 })
    expect(byStream["0:0x7FF"]).toMatchObject({ frames: 0, stale_episodes: 1, stale_at_end: true })
  })
})
