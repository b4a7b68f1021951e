import path from "node:path"
import fc from "fast-check"
import { Chunk, Effect, Fiber, Layer, ManagedRuntime, Stream } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { LogStream, type RunEvent, type RunEventInput } from "../../src/core/run-events/log-stream.js"
import { EventBus } from "../../src/core/run-events/event-bus.js"
import { LogStreamLive } from "../../src/core/run-events/log-stream-live.js"
import { RunStoreSqlite } from "../../src/core/store/sqlite-run-store.js"
import { tempDir } from "./helpers.js"
import { testConfigLayer } from "../support/test-config.js"

const tmp = tempDir("logs")
const config = testConfigLayer(path.join(tmp.dir, "data"))
/** A deliberately tiny live buffer and replay page so overflow and paging happen constantly. */
const runtime = ManagedRuntime.make(
  LogStreamLive({ pageSize: 3 }).pipe(Layer.provide(EventBus.layerMemory({ bufferSize: 2 })), Layer.provide(RunStoreSqlite), Layer.provide(config))
)
afterAll(async () => {
  await runtime.dispose()
  tmp.cleanup()
})

let runCounter = 0
const freshRun = () => `run_log_${++runCounter}_${Date.now()}`
const logLine = (i: number): RunEventInput => ({ type: "log", level: "info", source: "tool", message: `line ${i}` })
const strip = (e: RunEvent) => ({ ...e, time: undefined })

describe("LogStream", () => {
  it("assigns gap-free per-run sequence numbers from 1 and reads after a point", async () => {
    const a = freshRun()
    const b = freshRun()
    const seqs = await runtime.runPromise(
      Effect.gen(function* () {
        const logs = yield* LogStream
        const out: Array<number> = []
        for (let i = 0; i < 5; i++) {
          out.push((yield* logs.append(a, logLine(i))).seq)
          yield* logs.append(b, logLine(i))
        }
        return out
      })
    )
    expect(seqs).toEqual([1, 2, 3, 4, 5])
    const page = await runtime.runPromise(Effect.flatMap(LogStream, l => l.read(a, 2, 2)))
    expect(page.map(e => e.seq)).toEqual([3, 4])
    expect(page.map(e => (e.type === "log" ? e.message : ""))).toEqual(["line 2", "line 3"])
  })

  it("a subscription of a finished run replays and ends with the end event", async () => {
    const run = freshRun()
    const events = await runtime.runPromise(
      Effect.gen(function* () {
        const logs = yield* LogStream
        for (let i = 0; i < 7; i++) yield* logs.append(run, logLine(i))
        yield* logs.append(run, { type: "end", status: "completed" })
        return Chunk.toReadonlyArray(yield* Stream.runCollect(logs.subscribe(run, 4)))
      })
    )
    expect(events.map(e => e.seq)).toEqual([5, 6, 7, 8])
    expect(events.at(-1)).toMatchObject({ type: "end", status: "completed" })
  })

  it("never stalls the writer: a live subscriber that stops reading still gets the exact log later", async () => {
    const run = freshRun()
    const result = await runtime.runPromise(
      Effect.gen(function* () {
        const logs = yield* LogStream
        const pull = yield* Effect.scoped(
          Effect.gen(function* () {
            const puller = yield* Stream.toPull(logs.subscribe(run, 0))
            const first = yield* logs.append(run, logLine(0))
            const head = yield* puller
            const waiting = yield* Effect.fork(puller)
            yield* Effect.sleep(30)
            yield* logs.append(run, logLine(1))
            const second = yield* Fiber.join(waiting)
            for (let i = 2; i < 400; i++) yield* logs.append(run, logLine(i))
            yield* logs.append(run, { type: "end", status: "completed" })
            const rest: Array<RunEvent> = [...head, ...second]
            for (;;) {
              const next = yield* Effect.either(puller)
              if (next._tag === "Left") break
              rest.push(...next.right)
            }
            return { first, rest }
          })
        )
        return pull
      })
    )
    expect(result.first.seq).toBe(1)
    expect(result.rest.map(e => e.seq)).toEqual(Array.from({ length: 401 }, (_, i) => i + 1))
  })

  it("property: random disconnect/resume points against a concurrent writer reconstruct the exact log", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 10 }),
        async (count, writerDelays, segmentSizes, readerDelays) => {
          const run = freshRun()
          const reconstructed = await runtime.runPromise(
            Effect.gen(function* () {
              const logs = yield* LogStream
              const writer = yield* Effect.fork(
                Effect.gen(function* () {
                  for (let i = 0; i < count; i++) {
                    yield* logs.append(run, i % 7 === 3 ? { type: "progress", fraction: i / count } : logLine(i))
                    const d = writerDelays[i]!
                    yield* d === 0 ? Effect.yieldNow() : Effect.sleep(d)
                  }
                  yield* logs.append(run, { type: "end", status: "completed" })
                })
              )
              const got: Array<RunEvent> = []
              for (let segment = 0; got.at(-1)?.type !== "end"; segment++) {
                const size = segmentSizes[segment % segmentSizes.length]!
                const delay = readerDelays[segment % readerDelays.length]!
                const after = got.at(-1)?.seq ?? 0
                const part = yield* Stream.runCollect(
                  logs.subscribe(run, after).pipe(
                    Stream.take(size),
                    Stream.tap(() => (delay ? Effect.sleep(delay) : Effect.void))
                  )
                )
                got.push(...part)
              }
              yield* Fiber.join(writer)
              const truth = yield* logs.read(run, 0, 10_000)
              return { got, truth }
            })
          )
          expect(reconstructed.got.map(strip)).toEqual(reconstructed.truth.map(strip))
          expect(reconstructed.truth.map(e => e.seq)).toEqual(Array.from({ length: count + 1 }, (_, i) => i + 1))
        }
      ),
      { numRuns: 40 }
    )
  })
})
