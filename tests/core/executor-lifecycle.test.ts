import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { ValidationError } from "../../src/core/errors.js"
import { collect, demoRlog, readAll, sharedData, useTestClient, until } from "./helpers.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const rawRlog = path.join(sharedData, "rlog")

const t = useTestClient({ concurrency: 1 })

describe("Executor lifecycle", () => {
  it("runs a tool in a worker: status events, inputs' sha256, artifacts, console capture, progress", async () => {
    const submitted = await t.cts.submit("test-chatty", { input: demoRlog, name: "copy demo" })
    expect(submitted.status).toBe("queued")
    const expected = readFileSync(demoRlog)
    expect(submitted.inputs).toEqual([{ name: path.basename(demoRlog), size: expected.length, sha256: null, ref: { type: "path", path: demoRlog } }])
    const events = await collect(t.cts.logs(submitted.id, { follow: true }))
    const run = await t.cts.get(submitted.id)
    expect(run.inputs).toEqual([{ name: path.basename(demoRlog), size: expected.length, sha256: sha(expected), ref: { type: "path", path: demoRlog } }])
    expect(run).toMatchObject({ status: "completed", toolVersion: "1.2.3", name: "copy demo", error: null })
    expect(Date.parse(run.startedAt!)).toBeGreaterThanOrEqual(Date.parse(run.createdAt))
    expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt!))
    expect(run.progress).toEqual({ fraction: 1, note: "step 5" })
    expect(events.map(e => e.seq)).toEqual(events.map((_, i) => i + 1))
    const statuses = events.filter(e => e.type === "status" || e.type === "end").map(e => `${e.type}:${"status" in e ? e.status : ""}`)
    expect(statuses).toEqual(["status:queued", "status:running", "status:completed", "end:completed"])
    const logs = events.flatMap(e => (e.type === "log" ? [`${e.source}/${e.level}: ${e.message}`] : []))
    expect(logs).toEqual(
      expect.arrayContaining([
        `tool/info: input ${path.basename(demoRlog)} ${expected.length}`,
        "console/info: console says 42",
        "console/error: console error line",
        "console/info: raw stdout line"
      ])
    )
    expect(events.some(e => e.type === "progress")).toBe(true)
    expect(run.artifactIds).toHaveLength(1)
    const [artifact] = await t.cts.artifacts(run.id)
    expect(artifact).toMatchObject({
      name: "copy-0.bin",
      runId: run.id,
      size: expected.length,
      sha256: sha(expected),
      key: `runs/${run.id}/copy-0.bin`,
      metadata: { source: path.basename(demoRlog) }
    })
    expect(sha(await readAll((await t.cts.download(artifact!.id)).body))).toBe(sha(expected))
    expect(run.summary).toEqual({ copies: [sha(expected)], inputs: [sha(expected)] })
  })

  it("reads several inputs in order and accepts stored artifacts as inputs", async () => {
    const files = ["rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2"].map(f => path.join(rawRlog, f))
    const upload = await t.cts.upload(files[0]!)
    expect(upload).toMatchObject({ runId: null, name: "rav4_seg40.rlog.zst", sha256: sha(readFileSync(files[0]!)) })
    expect(upload.key).toMatch(/^uploads\/upl_[a-z0-9]+\/rav4_seg40\.rlog\.zst$/)
    const run = await t.cts.wait((await t.cts.submit("test-chatty", { input: [{ type: "artifact", id: upload.id }, files[1]!] })).id)
    expect(run.status).toBe("completed")
    expect(run.inputs.map(i => i.sha256)).toEqual(files.map(f => sha(readFileSync(f))))
    expect(run.summary).toEqual({ copies: files.map(f => sha(readFileSync(f))), inputs: files.map(f => sha(readFileSync(f))) })
  })

  it("records typed tool failures and crashes", async () => {
    const failed = await t.cts.wait((await t.cts.submit("test-fail", { input: [] })).id)
    expect(failed.status).toBe("failed")
    expect(failed.error).toEqual({ category: "tool_error", code: "demo_failure", message: "This tool always fails", suggestedAction: "Do not use it" })
    const crashed = await t.cts.wait((await t.cts.submit("test-crash", { input: [] })).id)
    expect(crashed.error).toMatchObject({ category: "tool_error", code: "tool_crashed" })
    expect(crashed.error!.message).toContain("RangeError: index out of range")
    const events = await collect(t.cts.logs(crashed.id))
    expect(events.at(-1)).toMatchObject({ type: "end", status: "failed" })
  })

  it("validates tool, params, timeout and ids before any run starts", async () => {
    const before = (await t.cts.list({ limit: 500 })).items.length
    await expect(t.cts.submit("nope", { input: [] })).rejects.toMatchObject({ _tag: "ValidationError", code: "unknown_tool" })
    await expect(t.cts.submit("test-params", { input: [], params: { count: 1, colour: "red" } })).rejects.toMatchObject({ code: "unknown_param" })
    await expect(t.cts.submit("test-params", { input: [], params: { count: "1" } })).rejects.toMatchObject({ code: "invalid_param" })
    await expect(t.cts.submit("test-params", { input: [], params: { count: 1 }, timeoutMs: -5 })).rejects.toMatchObject({ code: "invalid_timeout" })
    await expect(t.cts.submit("test-params", { input: [demoRlog, demoRlog], params: { count: 1 } })).rejects.toMatchObject({ code: "too_many_inputs" })
    await expect(t.cts.submit("test-chatty", { input: [] })).rejects.toMatchObject({ code: "missing_input" })
    expect((await t.cts.list({ limit: 500 })).items.length).toBe(before)
    await expect(t.cts.get("run_missing")).rejects.toBeInstanceOf(ValidationError)
    await expect(t.cts.cancel("run_missing")).rejects.toMatchObject({ code: "run_not_found" })
    await expect(collect(t.cts.logs("run_missing"))).rejects.toMatchObject({ code: "run_not_found" })
  })

  it("applies params defaults, the tool's default timeout, and per-run overrides", async () => {
    const a = await t.cts.wait((await t.cts.submit("test-params", { input: [], params: { count: 3 } })).id)
    expect(a.params).toEqual({ count: 3, mode: "fast" })
    expect(a.timeoutMs).toBe(5000)
    expect(a.summary).toEqual({ params: { count: 3, mode: "fast" } })
    const b = await t.cts.submit("test-params", { input: [], params: { count: 3, mode: "exact" }, timeoutMs: 1234, owner: "alice" })
    expect(b).toMatchObject({ timeoutMs: 1234, owner: "alice", params: { count: 3, mode: "exact" } })
    await t.cts.wait(b.id)
    const mine = await t.cts.list({ owner: "alice" })
    expect(mine.items.map(r => r.id)).toEqual([b.id])
    const page1 = await t.cts.list({ toolId: "test-params", limit: 1 })
    expect(page1.items.map(r => r.id)).toEqual([b.id])
    const page2 = await t.cts.list({ toolId: "test-params", limit: 1, cursor: page1.nextCursor! })
    expect(page2.items.map(r => r.id)).toEqual([a.id])
    expect(page2.nextCursor).toBeNull()
  })

  it("queues beyond the concurrency cap and runs in order", async () => {
    const first = await t.cts.submit("test-cpu-busy", { input: [], params: { ms: 600 } })
    const second = await t.cts.submit("test-params", { input: [], params: { count: 1 } })
    await until(async () => (await t.cts.get(first.id)).status === "running")
    expect((await t.cts.get(second.id)).status).toBe("queued")
    expect((await t.cts.capabilities()).queue).toEqual({ queued: 1, running: 1 })
    const done = await t.cts.wait(second.id)
    const firstDone = await t.cts.get(first.id)
    expect(firstDone.status).toBe("completed")
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(Date.parse(firstDone.finishedAt!))
  })
})
