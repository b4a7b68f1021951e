import path from "node:path"
import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Context, Effect, Fiber, Layer, Option, Stream } from "effect"
import { afterAll, beforeAll } from "vitest"
import { EventBus } from "../../src/core/run-events/event-bus.js"
import { LogStream, type RunEvent } from "../../src/core/run-events/log-stream.js"
import { LogStreamLive } from "../../src/core/run-events/log-stream-live.js"
import type { RunStore } from "../../src/core/store/run-store.js"
import { RunStorePostgres } from "../../src/core/store/pg-run-store.js"
import { RunStoreSqlite } from "../../src/core/store/sqlite-run-store.js"
import { freshPgDatabase, pgUrl } from "../support/services.js"
import { tempDir } from "./helpers.js"
import { testConfigLayer } from "../support/test-config.js"

const logEvent = (runId: string, seq: number): RunEvent => ({
  type: "log",
  runId,
  seq,
  time: new Date().toISOString(),
  level: "info",
  source: "tool",
  message: `line ${seq}`
})

layer(EventBus.layerMemory({ bufferSize: 2 }))("EventBus.layerMemory", it => {
  it.scoped("hands each published event to the subscribers of its run only, carried with its notice", () =>
    Effect.gen(function* () {
      const bus = yield* EventBus
      const a = yield* bus.subscribe("run-a")
      const b = yield* bus.subscribe("run-b")
      yield* bus.publish(logEvent("run-a", 1))
      yield* bus.publish(logEvent("run-b", 1))
      yield* bus.publish(logEvent("run-a", 2))
      const gotA = Chunk.toReadonlyArray(yield* a.takeAll)
      const gotB = Chunk.toReadonlyArray(yield* b.takeAll)
      expect(gotA.map(n => [n.seq, n.event?.runId, n.event?.seq])).toEqual([
        [1, "run-a", 1],
        [2, "run-a", 2]
      ])
      expect(gotB.map(n => [n.seq, n.event?.runId])).toEqual([[1, "run-b"]])
    })
  )

  it.scoped("never makes the publisher wait: a subscriber that does not read keeps only the newest notices", () =>
    Effect.gen(function* () {
      const bus = yield* EventBus
      const idle = yield* bus.subscribe("run-slow")
      for (let seq = 1; seq <= 5; seq++) yield* bus.publish(logEvent("run-slow", seq))
      expect(Chunk.toReadonlyArray(yield* idle.takeAll).map(n => n.seq)).toEqual([4, 5])
    })
  )

  it.effect("a subscription lasts as long as its scope; events published to nobody are simply dropped", () =>
    Effect.gen(function* () {
      const bus = yield* EventBus
      yield* bus.publish(logEvent("run-c", 1))
      const first = yield* Effect.scoped(
        Effect.gen(function* () {
          const q = yield* bus.subscribe("run-c")
          yield* bus.publish(logEvent("run-c", 2))
          return Chunk.toReadonlyArray(yield* q.takeAll).map(n => n.seq)
        })
      )
      yield* bus.publish(logEvent("run-c", 3))
      const later = yield* Effect.scoped(Effect.flatMap(bus.subscribe("run-c"), q => q.takeAll))
      expect(first).toEqual([2])
      expect(Chunk.size(later)).toBe(0)
    })
  )
})

const tmp = tempDir("bus")
afterAll(tmp.cleanup)
const config = testConfigLayer(path.join(tmp.dir, "data"))

const pg = pgUrl()
let pgDb: { url: string; drop: () => Promise<void> } | undefined
beforeAll(async () => void (pg && (pgDb = await freshPgDatabase(pg))))
afterAll(() => pgDb?.drop())

/** One "process": its own connection to the shared store (SQLite data dir by default), its own bus and LogStream. */
const node = (bus: Layer.Layer<EventBus, never, RunStore>, store: () => Layer.Layer<RunStore, unknown> = () => RunStoreSqlite.pipe(Layer.provide(config))) =>
  Layer.build(LogStreamLive({ pageSize: 3 }).pipe(Layer.provideMerge(bus), Layer.provideMerge(store()))).pipe(Effect.map(ctx => Context.get(ctx, LogStream)))

let runs = 0
const freshRun = () => `run_bus_${++runs}_${Date.now()}`

/** Writer appends `count` lines then `end`, pausing between them; the follower (started first) collects until `end`. */
const writeWhileFollowing = (writer: LogStream["Type"], follower: LogStream["Type"], count: number) =>
  Effect.gen(function* () {
    const run = freshRun()
    yield* writer.append(run, { type: "status", status: "running" })
    const followed = yield* Effect.fork(Stream.runCollect(follower.subscribe(run, 0)))
    for (let i = 0; i < count; i++) {
      yield* writer.append(run, { type: "log", level: "info", source: "tool", message: `line ${i}` })
      yield* Effect.sleep(5)
    }
    yield* writer.append(run, { type: "end", status: "completed" })
    return { run, followed }
  })

/** A writer runtime appends while a follower runtime (store bus, polling) follows: it gets every seq once, in order, as stored. */
const followAcross = (store?: () => Layer.Layer<RunStore, unknown>) =>
  Effect.gen(function* () {
    const writer = yield* node(EventBus.layerMemory(), store)
    const follower = yield* node(EventBus.layerStore({ pollMs: 20 }), store)
    const { run, followed } = yield* writeWhileFollowing(writer, follower, 40)
    const got = Chunk.toReadonlyArray(
      yield* Fiber.join(followed).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("the follower never ended") }))
    )
    const truth = yield* writer.read(run, 0, 1000)
    expect(got.map(e => e.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1))
    expect(got).toEqual(truth)
  })

describe("LogStream over the EventBus, two runtimes on one data dir (as two processes)", () => {
  it.scopedLive("with EventBus.layerStore a follower gets another runtime's appends live: every seq once, in order, ending at `end`", () => followAcross())

  it.scopedLive.skipIf(!pg)("the same on one PostgreSQL run store (two connections, as two nodes)", () =>
    followAcross(() => RunStorePostgres(pgDb!.url, { maxConnections: 2 }))
  )

  it.scopedLive("with EventBus.layerMemory the other runtime's appends are not live (the memory bus is one process)", () =>
    Effect.gen(function* () {
      const writer = yield* node(EventBus.layerMemory())
      const follower = yield* node(EventBus.layerMemory())
      const { followed } = yield* writeWhileFollowing(writer, follower, 5)
      const outcome = yield* Fiber.join(followed).pipe(Effect.timeout("300 millis"), Effect.option)
      expect(Option.isNone(outcome)).toBe(true)
      yield* Fiber.interrupt(followed)
    })
  )
})
