import { execFile } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { tempDir } from "../core/helpers.js"
import { oracleRows } from "../support/oracle.js"
import { repoRoot, rlogPath } from "../support/shared-data.js"

const tmp = tempDir("tool-template")
const project = path.join(tmp.dir, "my-tool")

/** The template copied out as a user's project would hold it: its files, with cts-lite and effect installed. */
beforeAll(() => {
  cpSync(path.join(repoRoot, "examples/tool-template"), project, { recursive: true })
  mkdirSync(path.join(project, "node_modules"))
  symlinkSync(repoRoot, path.join(project, "node_modules/cts-lite"), "dir")
  symlinkSync(path.join(repoRoot, "node_modules/effect"), path.join(project, "node_modules/effect"), "dir")
})
afterAll(() => tmp.cleanup())

/** Frames per `bus,address` (address as the oracle writes it) from the reference decoder's rows. */
const oracleCounts = (file: string) => {
  const counts = new Map<string, number>()
  for (const row of oracleRows(file)) {
    const [, bus, address] = row.split(",")
    counts.set(`${bus},${address}`, (counts.get(`${bus},${address}`) ?? 0) + 1)
  }
  return counts
}

describe("examples/tool-template, copied into a project", () => {
  it("runs through the SDK (its run.mjs) and counts the frames the reference decoder finds, per bus and address", async () => {
    const outDir = path.join(tmp.dir, "out")
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(project, "run.mjs"), rlogPath("subaru_cruise_demo.rlog.zst"), outDir], {
      cwd: project,
      env: { ...process.env, CTS_DATA_DIR: path.join(tmp.dir, "data") }
    })
    const result = JSON.parse(stdout)
    const truth = oracleCounts("subaru_cruise_demo.frames.csv")
    const byBus: Record<string, number> = {}
    for (const [key, n] of truth) byBus[key.split(",")[0]!] = (byBus[key.split(",")[0]!] ?? 0) + n
    expect(result).toMatchObject({ status: "completed", error: null })
    expect(result.summary).toEqual({ frames: oracleRows("subaru_cruise_demo.frames.csv").length, frames_by_bus: byBus, addresses: truth.size })
    const rows = readFileSync(path.join(outDir, "counts.csv"), "utf8").trim().split("\n")
    expect(rows[0]).toBe("bus,address,frames")
    expect(new Map(rows.slice(1).map(r => [r.split(",").slice(0, 2).join(","), Number(r.split(",")[2])]))).toEqual(truth)
  })

  it("is refused with wrong_input_type for a file of an undeclared kind: the core checks the declared kinds, the tool has no check of its own", async () => {
    await expect(
      runTool("can-frame-counts", {
        input: rlogPath("subaru_cruise_demo.frames.csv"),
        config: { dataDir: path.join(tmp.dir, "data2"), extraToolModules: [path.join(project, "tool.mjs")] }
      })
    ).rejects.toMatchObject({ code: "wrong_input_type" })
  })
})
