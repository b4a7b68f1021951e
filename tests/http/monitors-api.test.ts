import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMonitor } from "../../src/adapters/sdk/start-monitor.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { parseSseFrames } from "./support/sse-parse.js"
import { expectError, jsonInit, rlogDir, startTestServer, type TestServer, waitForRun } from "./support/test-server.js"

const demo = path.join(rlogDir, "subaru_cruise_demo.rlog.zst")

describe("/v1/monitors over a loopback server", () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.stop())

  it("starts a monitor on a simulated panda, streams its events as SSE to the end, lists and gets it", async () => {
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-bus-check", source: { simulate: demo }, params: { speed: 0, window_s: 2 } }))
    expect(res.status).toBe(202)
    const run = (await res.json()) as { id: string }
    expect(res.headers.get("location")).toBe(`${server.url}/v1/monitors/${run.id}`)
    const stream = await server.api(`/v1/monitors/${run.id}/stream`)
    expect(stream.headers.get("content-type")).toContain("text/event-stream")
    const events: Array<{ event: string; data: string }> = []
    for await (const f of parseSseFrames(stream.body! as unknown as AsyncIterable<Uint8Array>)) if (f.kind === "event") events.push(f)
    expect(events.at(-1)).toMatchObject({ event: "end" })
    expect(JSON.parse(events.at(-1)!.data).status).toBe("completed")
    expect(events.some(e => e.event === "log" && JSON.parse(e.data).message.includes("simulated panda replaying"))).toBe(true)
    const done = await waitForRun(server, run.id)
    expect(done).toMatchObject({ status: "completed", summary: { frames: 101_640 } })
    const list = (await (await server.api("/v1/monitors")).json()) as { items: Array<{ id: string }> }
    expect(list.items.map(i => i.id)).toContain(run.id)
    expect((await server.api(`/v1/monitors/${run.id}`, { who: "bob" })).status).toBe(404)
  })

  it("stops a running capture with DELETE; a path outside the roots and an analyzer are refused", async () => {
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-capture", source: { simulate: demo }, params: { speed: 1, segment_s: 1 } }))
    const { id } = (await res.json()) as { id: string }
    for (let i = 0; i < 200; i++) {
      const r = (await (await server.api(`/v1/monitors/${id}`)).json()) as { artifact_ids?: string[]; artifactIds?: string[] }
      if ((r.artifact_ids ?? r.artifactIds ?? []).length > 0) break
      await new Promise(r => setTimeout(r, 50))
    }
    const stop = (await (await server.api(`/v1/monitors/${id}`, { method: "DELETE" })).json()) as { outcome: string; run: { status: string } }
    expect(stop).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
    await expectError(
      await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-bus-check", source: { path: "/etc/passwd" } })),
      403,
      "path_not_allowed"
    )
    await expectError(await server.api("/v1/monitors", jsonInit("POST", { monitor: "rlog-to-csv", source: { path: demo } })), 422, "not_a_monitor")
  })
})

describe("SDK startMonitor", () => {
  it("iterates a monitor's events to the end and resolves done; stop() ends a live one", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(path.join(tmpdir(), "cts-mon-"))
    try {
      const config = { dataDir: path.join(dir, "data") }
      const m = await startMonitor("can-bus-check", { source: { path: demo }, params: { preset: "subaru-global" }, config })
      const events: RunEvent[] = []
      for await (const e of m) events.push(e)
      expect(events.at(-1)).toMatchObject({ type: "end", status: "completed" })
      expect((await m.done).summary).toMatchObject({ frames: 101_640, missing_throughout: [] })

      const live = await startMonitor("can-capture", { source: { simulate: demo }, params: { speed: 1 }, config })
      await new Promise(r => setTimeout(r, 1500))
      expect((await live.stop()).status).toBe("canceled")
      await expect(startMonitor("rlog-to-csv", { source: { path: demo }, config })).rejects.toMatchObject({ code: "not_a_monitor" })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
