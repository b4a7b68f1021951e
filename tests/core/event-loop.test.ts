import { writeFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { useTestClient } from "./helpers.js"

const t = useTestClient({ concurrency: 2 })

/** Resolves when the run's tool has started its CPU-heavy loop (it logs "busy" first). */
const busy = async (runId: string) => {
  for await (const event of t.cts.logs(runId, { follow: true })) if (event.type === "log" && event.message === "busy") return
  throw new Error(`run ${runId} ended before it got busy`)
}

/** Lets the main event loop go round `turns` times (timers and I/O in between). */
const spinLoop = async (turns: number) => {
  for (let i = 0; i < turns; i++) await new Promise(r => setTimeout(r, 1))
}

// The delay figure (p99 while two CPU-heavy runs execute) is measured by `npm run bench:event-loop`;
// this test checks the property behind it without timing anything.
describe("main event loop stays free while tools burn CPU", () => {
  it("turns the loop and answers the store while two synchronous CPU-bound runs execute in worker threads", async () => {
    const stopFile = path.join(t.dir, `stop-${Date.now()}`)
    const runs = await Promise.all([0, 1].map(() => t.cts.submit("test-cpu-busy", { input: [], params: { ms: 120_000, stopFile } })))
    await Promise.all(runs.map(r => busy(r.id)))
    await spinLoop(200)
    const during = await Promise.all(runs.map(r => t.cts.get(r.id)))
    expect(during.map(r => r.status)).toEqual(["running", "running"])
    writeFileSync(stopFile, "")
    const done = await Promise.all(runs.map(r => t.cts.wait(r.id)))
    expect(done.map(r => r.status)).toEqual(["completed", "completed"])
    for (const r of done) {
      expect(r.summary!.isMainThread).toBe(false)
      expect(r.summary!.threadId as number).toBeGreaterThan(0)
    }
    expect(done[0]!.summary!.threadId).not.toBe(done[1]!.summary!.threadId)
  })
})
