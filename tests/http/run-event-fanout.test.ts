import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import fc from "fast-check"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { LogStream, type RunEvent } from "../../src/core/run-events/log-stream.js"
import { EventBus } from "../../src/core/run-events/event-bus.js"
import { LogStreamLive } from "../../src/core/run-events/log-stream-live.js"
import { makeRunEventFanout, type FanoutHandle } from "../../src/core/run-events/run-event-fanout.js"
import { RunStoreSqlite } from "../../src/core/store/sqlite-run-store.js"
import { testConfigLayer } from "../support/test-config.js"

const dir = mkdtempSync(path.join(tmpdir(), "cts-fanout-"))
const config = testConfigLayer(dir)
/** Tiny live buffer and replay pages, so the core's own overflow and paging paths run constantly underneath. */
const runtime = ManagedRuntime.make(
  LogStreamLive({ pageSize: 5 }).pipe(Layer.provide(EventBus.layerMemory({ bufferSize: 4 })), Layer.provide(RunStoreSqlite), Layer.provide(config))
)
afterAll(async () => {
  await runtime.dispose()
  rmSync(dir, { recursive: true, force: true })
})

let runs = 0
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const append = (runId: string, i: number, last: boolean) =>
  runtime.runPromise(
    Effect.flatMap(LogStream, l =>
      l.append(runId, last ? { type: "end", status: "completed" } : { type: "log", level: "info", source: "tool", message: `line ${i}` })
    )
  )

interface ListenerPlan {
  readonly attachAt: number
  readonly afterFraction: number
  readonly pauseEvery: number
  readonly detachAfter: number
}

describe("run event fan-out", () => {
  it("gives every listener each event after its resume point exactly once, in order, through pauses, reattachment and live appends (property)", async () => {
    const fanout = await runtime.runPromise(makeRunEventFanout)
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(
          fc.record({ attachAt: fc.nat(60), afterFraction: fc.double({ min: 0, max: 1, noNaN: true }), pauseEvery: fc.nat(4), detachAfter: fc.nat(40) }),
          { minLength: 1, maxLength: 8 }
        ),
        async (total, plans: ReadonlyArray<ListenerPlan>) => {
          const runId = `run_fanout_${++runs}`
          const received = plans.map(() => [] as number[])
          const starts = plans.map(() => 0)
          const ended = plans.map(() => false)
          const handles: FanoutHandle[] = []
          const failures: unknown[] = []
          const attachListener = (index: number, after: number) => {
            const plan = plans[index]!
            let calls = 0
            let deliveredHere = 0
            let handle: FanoutHandle | undefined
            const h: FanoutHandle = fanout.attach(runId, after, {
              deliver: (events: ReadonlyArray<RunEvent>) => {
                received[index]!.push(...events.map(e => e.seq))
                deliveredHere += events.length
                if (events.at(-1)!.type === "end") {
                  ended[index] = true
                  return true
                }
                if (plan.detachAfter > 0 && deliveredHere >= plan.detachAfter && handle === h) {
                  handle = undefined
                  setTimeout(() => {
                    h.detach()
                    if (!ended[index]) attachListener(index, received[index]!.at(-1)!)
                  }, 1)
                  return true
                }
                calls++
                if (plan.pauseEvery > 0 && calls % plan.pauseEvery === 0) {
                  setTimeout(() => h.resume(), 2)
                  return false
                }
                return true
              },
              fail: error => {
                failures.push(error)
              }
            })
            handles.push(h)
            handle = h
          }
          let appended = 0
          const pending = [...plans.keys()].sort((a, b) => plans[a]!.attachAt - plans[b]!.attachAt)
          for (let i = 0; i <= total; i++) {
            while (pending.length && Math.min(plans[pending[0]!]!.attachAt, total) <= i) {
              const index = pending.shift()!
              starts[index] = Math.floor(plans[index]!.afterFraction * appended)
              attachListener(index, starts[index]!)
            }
            await append(runId, i, i === total)
            appended++
            if (i % 7 === 0) await sleep(1)
          }
          const deadline = Date.now() + 10_000
          while (ended.some(e => !e) && Date.now() < deadline) await sleep(5)
          handles.forEach(h => h.detach())
          expect(failures).toEqual([])
          plans.forEach((_, index) => {
            expect(received[index]).toEqual(Array.from({ length: total + 1 - starts[index]! }, (_, k) => starts[index]! + k + 1))
          })
        }
      ),
      { numRuns: 25 }
    )
  })
})
