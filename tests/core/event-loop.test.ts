import { writeFileSync } from "node:fs"
import path from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { describe, expect, it } from "vitest"
import { sleep, useTestClient } from "./helpers.js"

const t = useTestClient({ concurrency: 2 })

/** Resolves when the run's tool has started its CPU-heavy loop (it logs "busy" first). */
const busy = async (runId: string) => {
  for await (const event of t.cts.logs(runId, { follow: true })) if (event.type === "log" && event.message === "busy") return
  throw new Error(`run ${runId} ended before it got busy`)
}

describe("main event loop stays responsive", () => {
  // The suite's one timing assertion, required for the executor. It is retried because the delay
  // also reflects other processes competing for the same cores.
  it("keeps the event-loop delay p99 under 50 ms while two CPU-heavy runs execute", { retry: 2 }, async () => {
    const stopFile = path.join(t.dir, `stop-${Date.now()}`)
    const runs = await Promise.all([0, 1].map(() => t.cts.submit("test-cpu-busy", { input: [], params: { ms: 60_000, stopFile } })))
    await Promise.all(runs.map((r) => busy(r.id)))
    const histogram = monitorEventLoopDelay({ resolution: 10 })
    histogram.enable()
    await sleep(2000)
    histogram.disable()
    writeFileSync(stopFile, "")
    const done = await Promise.all(runs.map((r) => t.cts.wait(r.id)))
    expect(done.map((r) => r.status)).toEqual(["completed", "completed"])
    for (const r of done) expect(r.summary!.rounds as number).toBeGreaterThan(2000)
    const p99Ms = histogram.percentile(99) / 1e6
    console.info(`event-loop delay p99 ${p99Ms.toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms over ${histogram.count} samples`)
    expect(histogram.count).toBeGreaterThan(100)
    expect(p99Ms).toBeLessThan(50)
  })
})
