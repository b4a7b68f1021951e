import { writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { startMonitor } from "../../src/adapters/sdk/start-monitor.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { demoRlog, tempDir } from "../core/helpers.js"
import { oracleRowsNoTime, rowOf } from "./sim-support.js"

const tmp = tempDir("monitor-stop")
let cts: CtsClient
beforeAll(async () => {
  cts = await createCts({ dataDir: path.join(tmp.dir, "data") })
})
afterAll(async () => {
  await cts.close()
  tmp.cleanup()
})

const waitFor = async (check: () => Promise<boolean>, what: string, ms = 30_000) => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

const logLines = async (runId: string) => {
  const out: RunEvent[] = []
  for await (const e of cts.logs(runId)) out.push(e)
  return out.flatMap(e => (e.type === "log" ? [e.message] : []))
}

describe("stopping a monitor (SDK stop(); DELETE and cts mon stop cancel the same way)", () => {
  it("stop() ends a live capture gracefully: the segment being written is finished, whole, and holds the oracle's first frames", async () => {
    const m = await startMonitor("can-capture", { cts, source: { simulate: demoRlog }, params: { speed: 1, segment_s: 2 } })
    await waitFor(async () => (await cts.get(m.runId)).artifactIds.length >= 1, "the first finished segment")
    await new Promise(r => setTimeout(r, 700))
    const run = await m.stop()
    expect(run.status).toBe("canceled")
    expect(run.summary).toMatchObject({ ended_by: "stopped" })
    const written = run.summary!.frames_written as number
    const segments = run.summary!.segments as Array<{ id: string; name: string }>
    expect(segments.length).toBeGreaterThanOrEqual(2)
    const metas = await cts.artifacts(m.runId)
    expect(metas.map(a => a.name).sort()).toEqual(segments.map(s => s.name))
    expect(metas.map(a => a.partial ?? false)).toEqual(metas.map(() => false))
    const files: string[] = []
    for (const s of segments) {
      const file = path.join(tmp.dir, `${m.runId}-${s.name}`)
      writeFileSync(file, new Uint8Array(await new Response((await cts.download(s.id)).body).arrayBuffer()))
      files.push(file)
    }
    const rows: string[] = []
    for await (const batch of openLog(files.map(f => fileSource(f))).frames()) for (const f of batch) rows.push(rowOf(f))
    expect(rows.length).toBe(written)
    expect(written).toBeGreaterThan(1000)
    expect(rows).toEqual(oracleRowsNoTime("subaru_cruise_demo").slice(0, written))
    expect((await logLines(m.runId)).some(l => /^capture-001\.rlog: \d+ frames/.test(l))).toBe(true)
  }, 60_000)

  it("stop while starting (before the panda is open) ends canceled with ended_by stopped_while_starting, no frames and no artifact", async () => {
    const m = await startMonitor("can-capture", { cts, source: { simulate: demoRlog }, params: { speed: 1, simulate_faults: { open_delay_ms: 3000 } } })
    await waitFor(async () => (await cts.get(m.runId)).status === "running", "the run to start")
    await new Promise(r => setTimeout(r, 300))
    const run = await m.stop()
    expect(run.status).toBe("canceled")
    expect(run.summary).toMatchObject({ ended_by: "stopped_while_starting", frames_received: 0, frames_written: 0, segments: [] })
    expect(run.artifactIds).toEqual([])
    expect((await logLines(m.runId)).some(l => l.includes("was stopped while starting"))).toBe(true)
  }, 60_000)
})
