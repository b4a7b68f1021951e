import { createHash } from "node:crypto"
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { listTools, runTool } from "../../src/adapters/sdk/run-tool.js"
import { createCts } from "../../src/adapters/sdk/create-cts.js"
import { SystemError, ToolError, ValidationError } from "../../src/core/errors.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { collect, demoRlog, sleep, tempDir, testToolsModule, until } from "../core/helpers.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const tmp = tempDir("sdk")
const config = { dataDir: path.join(tmp.dir, "data"), extraToolModules: [testToolsModule] }
afterAll(() => tmp.cleanup())

describe("runTool", () => {
  it("runs a tool to completion, streams logs and progress, and writes artifacts to outDir", async () => {
    const logs: Array<Extract<RunEvent, { type: "log" }>> = []
    const progress: Array<number> = []
    const outDir = path.join(tmp.dir, "out")
    const result = await runTool("test-chatty", { input: demoRlog, outDir, config, onLog: e => logs.push(e), onProgress: f => progress.push(f) })
    const expected = sha(readFileSync(demoRlog))
    expect(result.status).toBe("completed")
    expect(result.error).toBeNull()
    expect(result.summary).toEqual({ copies: [expected], inputs: [expected] })
    expect(result.artifacts).toEqual([
      {
        id: expect.stringMatching(/^art_/),
        name: "copy-0.bin",
        size: statSync(demoRlog).size,
        sha256: expected,
        contentType: "application/octet-stream",
        path: path.join(outDir, "copy-0.bin")
      }
    ])
    expect(sha(readFileSync(path.join(outDir, "copy-0.bin")))).toBe(expected)
    expect(logs.map(l => l.message)).toContain("console says 42")
    expect(progress.at(-1)).toBe(1)
  })

  it("resolves failed runs with their error and rejects bad requests with typed errors", async () => {
    const failed = await runTool("test-fail", { input: [], config })
    expect(failed).toMatchObject({ status: "failed", error: { code: "demo_failure", category: "tool_error" }, artifacts: [] })
    const unknown = await runTool("no-such-tool", { input: [], config }).catch(e => e)
    expect(unknown).toBeInstanceOf(ValidationError)
    expect(unknown.code).toBe("unknown_tool")
    const badParam = await runTool("test-params", { input: [], params: { count: 1, extra: true }, config }).catch(e => e)
    expect(badParam).toMatchObject({ _tag: "ValidationError", code: "unknown_param" })
    const aborted = new AbortController()
    aborted.abort()
    await expect(runTool("test-params", { input: [], params: { count: 1 }, config, signal: aborted.signal })).rejects.toBeInstanceOf(ToolError)
  })

  it("cancels the run when the AbortSignal fires, and the work stops", async () => {
    const file = path.join(tmp.dir, "abort.txt")
    const controller = new AbortController()
    const pending = runTool("test-appender", {
      input: [],
      params: { file, cooperative: false },
      config,
      signal: controller.signal,
      outDir: path.join(tmp.dir, "never")
    })
    await until(() => existsSync(file) && statSync(file).size > 20)
    controller.abort()
    const result = await pending
    expect(result.status).toBe("canceled")
    const size = statSync(file).size
    await sleep(300)
    expect(statSync(file).size).toBe(size)
    expect(existsSync(path.join(tmp.dir, "never"))).toBe(false)
  })

  it("listTools shows built-in and extra tools without a data dir", async () => {
    const tools = await listTools({ extraToolModules: [testToolsModule] })
    expect(tools.find(t => t.id === "test-params")).toMatchObject({ name: "Params echo", category: "analyzer", version: "1.2.3" })
  })
})

describe("createCts", () => {
  it("follows logs from any point, and a closed client marks running work interrupted", async () => {
    const cts = await createCts(config)
    const run = await cts.submit("test-chatty", { input: demoRlog })
    const all = await collect(cts.logs(run.id, { follow: true }))
    const tail = await collect(cts.logs(run.id, { after: 3, follow: true }))
    expect(tail).toEqual(all.slice(3))
    const file = path.join(tmp.dir, "close.txt")
    const busy = await cts.submit("test-appender", { input: [], params: { file, cooperative: false } })
    await until(() => existsSync(file) && statSync(file).size > 0)
    await cts.close()
    await expect(cts.get(run.id)).rejects.toMatchObject({ code: "client_closed" })
    const size = statSync(file).size
    await sleep(300)
    expect(statSync(file).size).toBe(size)
    const again = await createCts(config)
    try {
      expect((await again.get(busy.id)).error).toMatchObject({ code: "interrupted" })
      const caps = await again.capabilities()
      expect(caps.tools.map(t => t.id)).toContain("test-chatty")
      expect(caps.limits).toMatchObject({ inputRootsRestricted: false, retentionDays: null })
    } finally {
      await again.close()
    }
  })

  it("rejects with a SystemError when the data dir cannot be used", async () => {
    const blocker = path.join(tmp.dir, "not-a-dir")
    writeFileSync(blocker, "x")
    const e = await createCts({ dataDir: path.join(blocker, "data"), signingKey: "k".repeat(32) }).catch(x => x)
    expect(e).toBeInstanceOf(SystemError)
  })
})
