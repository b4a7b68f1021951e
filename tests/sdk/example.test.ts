import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { demoRlog, tempDir } from "../core/helpers.js"
import { repoRoot, sharedData } from "../support/shared-data.js"

const tmp = tempDir("example")
afterAll(() => tmp.cleanup())

describe("examples/sdk-custom-tool.mjs", () => {
  it("runs a custom tool through the built package and writes its artifact", async () => {
    const outDir = path.join(tmp.dir, "out")
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repoRoot, "examples/sdk-custom-tool.mjs"), demoRlog, outDir], {
      env: { ...process.env, CTS_DATA_DIR: path.join(tmp.dir, "data") }
    })
    const bytes = readFileSync(demoRlog)
    const truth = {
      name: path.basename(demoRlog),
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      compression: "zstd",
      head: "28b52ffd"
    }
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({ status: "completed", error: null, summary: truth })
    expect(result.artifacts).toHaveLength(1)
    expect(result.artifacts[0]).toMatchObject({ name: "file-info.json", contentType: "application/json", path: path.join(outDir, "file-info.json") })
    expect(JSON.parse(readFileSync(path.join(outDir, "file-info.json"), "utf8"))).toEqual(truth)
    expect(stderr).toContain(`[info] ${truth.name}: ${truth.size} bytes, zstd`)
    expect(stderr).toContain("progress 100%")
  })
})

describe("examples/sdk-run-tool.mjs", () => {
  it("converts the demo rlog with the built-in rlog-to-csv tool, matching the reference decoder's frames", async () => {
    const outDir = path.join(tmp.dir, "csv")
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, "examples/sdk-run-tool.mjs"), demoRlog, "--out", outDir], {
      env: { ...process.env, CTS_DATA_DIR: path.join(tmp.dir, "data") }
    })
    const oracle = JSON.parse(readFileSync(path.join(sharedData, "rlog/subaru_cruise_demo.events.json"), "utf8"))
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({
      status: "completed",
      summary: { frames_written: oracle.can_frames, events: oracle.total_events, sendcan_frames_skipped: oracle.sendcan_frames, compression: "zstd" }
    })
    const rows = readFileSync(path.join(outDir, "frames.csv"), "utf8").trimEnd().split("\n")
    expect(rows[0]).toBe("window,segment,timestamp,address,bus,data_hex")
    const expected = readFileSync(path.join(sharedData, "rlog/subaru_cruise_demo.frames.csv"), "utf8")
      .trimEnd()
      .split("\n")
      .slice(1)
      .map(line => {
        const [ns, bus, address, data] = line.split(",")
        return `${ns!.slice(0, -9)}.${ns!.slice(-9)},${address},${bus},${data}`
      })
    expect(rows.slice(1).map(row => row.split(",").slice(2).join(","))).toEqual(expected)
    expect(result.artifacts[0]).toMatchObject({ name: "frames.csv", path: path.join(outDir, "frames.csv"), contentType: "text/csv" })
  })
})
