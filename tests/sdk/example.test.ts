import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { demoRlog, repoRoot, tempDir } from "../core/helpers.js"

const tmp = tempDir("example")
afterAll(() => tmp.cleanup())

describe("examples/sdk-run-tool.mjs", () => {
  it("runs a custom tool through the built package and writes its artifact", async () => {
    const outDir = path.join(tmp.dir, "out")
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repoRoot, "examples/sdk-run-tool.mjs"), demoRlog, outDir], {
      env: { ...process.env, CTS_DATA_DIR: path.join(tmp.dir, "data") }
    })
    const bytes = readFileSync(demoRlog)
    const truth = { name: path.basename(demoRlog), size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), compression: "zstd", head: "28b52ffd" }
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({ status: "completed", error: null, summary: truth })
    expect(result.artifacts).toHaveLength(1)
    expect(result.artifacts[0]).toMatchObject({ name: "file-info.json", contentType: "application/json", path: path.join(outDir, "file-info.json") })
    expect(JSON.parse(readFileSync(path.join(outDir, "file-info.json"), "utf8"))).toEqual(truth)
    expect(stderr).toContain(`[info] ${truth.name}: ${truth.size} bytes, zstd`)
    expect(stderr).toContain("progress 100%")
  })
})
