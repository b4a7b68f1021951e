import { readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { encodeCanEvent } from "../../src/core/log/can-event-writer.js"
import { openLog } from "../../src/core/log/open-log.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { subaruTruth } from "../support/shared-data.js"
import { demoRlog, tempDir } from "../core/helpers.js"

const tmp = tempDir("panda-state")
afterAll(() => tmp.cleanup())
const config = { dataDir: path.join(tmp.dir, "data") }

interface Change {
  readonly t_s: number
  readonly changed: string[]
  readonly state: Record<string, unknown>
}
const changesOf = (outDir: string): { readings: number; changes: Change[] } => JSON.parse(readFileSync(path.join(outDir, "panda-state.json"), "utf8"))

/** The drive's controls_allowed intervals: the truth file says pandaStates.controlsAllowed follows Cruise_Activated. */
const cruiseActive = (): Array<[number, number]> => subaruTruth().events_s.cruise_active

/** The first recorded PandaState of the demo log, read directly. */
const firstRecordedState = async () => {
  for await (const batch of openLog(fileSource(demoRlog)).events()) for (const e of batch) if (e.pandaStates?.length) return e.pandaStates[0]
  throw new Error("no pandaStates")
}

describe("panda-state", () => {
  it("source log: one event per change of the recorded pandaStates, at the truth file's cruise_active edges", async () => {
    const outDir = path.join(tmp.dir, "log")
    const lines: string[] = []
    const r = await runTool("panda-state", { input: demoRlog, params: { source: "log" }, outDir, config, onLog: e => lines.push(e.message) })
    expect(r.status).toBe("completed")
    const { readings, changes } = changesOf(outDir)
    expect(readings).toBe(subaruTruth().events_by_kind.pandaStates)
    const first = await firstRecordedState()
    expect(changes[0]).toMatchObject({
      changed: ["initial"],
      state: {
        controls_allowed: false,
        safety_mode: "subaru",
        safety_mode_id: 11,
        safety_param: first.safetyParam,
        ignition_line: first.ignitionLine,
        voltage_mv: null
      }
    })
    const edges = cruiseActive().flat()
    const toggles = changes.slice(1)
    expect(toggles.map(c => c.changed)).toEqual(edges.map(() => ["controls_allowed"]))
    toggles.forEach((c, i) => {
      expect(c.state.controls_allowed).toBe(i % 2 === 0)
      expect(c.t_s).toBeGreaterThanOrEqual(edges[i])
      expect(c.t_s).toBeLessThanOrEqual(edges[i] + 0.1)
    })
    expect(lines.filter(l => l.startsWith("state at "))).toHaveLength(changes.length)
    expect(r.summary).toMatchObject({ readings, changes: 1 + edges.length, controls_allowed_changes: edges.length })
  })

  it("source simulate: polls the simulated panda's health; events only on change, with the values it reported (the log's pandaStates)", async () => {
    const outDir = path.join(tmp.dir, "sim")
    const r = await runTool("panda-state", { input: demoRlog, params: { source: "simulate", speed: 10, interval_ms: 20 }, outDir, config })
    expect(r.status).toBe("completed")
    const { readings, changes } = changesOf(outDir)
    expect(readings).toBeGreaterThan(changes.length * 5)
    // Before the replay reaches the first pandaStates the simulated panda reports its own boot state.
    expect(changes[0]).toMatchObject({ changed: ["initial"], state: { safety_mode: "silent", voltage_mv: 12_150, current_ma: 310, faults: 0 } })
    const first = await firstRecordedState()
    const adopted = changes[1]
    expect(adopted.changed).toContain("safety_mode_id")
    expect(adopted.state).toMatchObject({ safety_mode: "subaru", safety_param: first.safetyParam, controls_allowed: false, voltage_mv: 12_150 })
    const toggles = changes.filter(c => c.changed.includes("controls_allowed"))
    expect(toggles.map(c => c.state.controls_allowed)).toEqual(
      cruiseActive()
        .flat()
        .map((_, i) => i % 2 === 0)
    )
    expect(changes.slice(2).every(c => c.changed.length === 1 && c.changed[0] === "controls_allowed")).toBe(true)
  }, 90_000) // 10x replay of the 120 s log: slow enough that 20 ms polls keep up on a loaded machine

  it("a log without pandaStates events is refused with no_panda_states", async () => {
    const file = path.join(tmp.dir, "no-states.rlog")
    writeFileSync(file, encodeCanEvent(1e9, [{ address: 0x146, src: 0, data: new Uint8Array(8) }]))
    const r = await runTool("panda-state", { input: file, params: { source: "log" }, config })
    expect(r.status).toBe("failed")
    expect(r.error).toMatchObject({ code: "no_panda_states" })
  })
})
