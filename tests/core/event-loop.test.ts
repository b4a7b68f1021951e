import { monitorEventLoopDelay } from "node:perf_hooks"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { testClient } from "./helpers.js"

let cts: CtsClient
let close: () => Promise<void>
beforeAll(async () => {
  ;({ cts, close } = await testClient({ concurrency: 2 }))
})
afterAll(() => close())

describe("main event loop stays responsive", () => {
  it("keeps the event-loop delay p99 under 50 ms while two CPU-heavy runs execute", { retry: 2 }, async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 })
    histogram.enable()
    const runs = await Promise.all([
      cts.submit("test-cpu-busy", { input: [], params: { ms: 1500 } }),
      cts.submit("test-cpu-busy", { input: [], params: { ms: 1500 } })
    ])
    const done = await Promise.all(runs.map((r) => cts.wait(r.id)))
    histogram.disable()
    expect(done.map((r) => r.status)).toEqual(["completed", "completed"])
    const [a, b] = done
    expect(Date.parse(a!.startedAt!)).toBeLessThan(Date.parse(b!.finishedAt!))
    expect(Date.parse(b!.startedAt!)).toBeLessThan(Date.parse(a!.finishedAt!))
    for (const r of done) expect(r.summary!.rounds as number).toBeGreaterThan(1000)
    const p99Ms = histogram.percentile(99) / 1e6
    expect(histogram.count).toBeGreaterThan(50)
    console.info(`event-loop delay p99 ${p99Ms.toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms`)
    expect(p99Ms).toBeLessThan(50)
  })
})
