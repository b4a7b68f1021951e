import { Chunk, Effect, Layer, Option, PubSub, Stream } from "effect"
import type { CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { LogStream, type LogStreamService, type RunEvent } from "./log-stream.js"

/** Tuning of the live fan-out. */
export interface LogStreamOptions {
  /** Events buffered per run for live subscribers; a slower subscriber skips ahead and refills from the store. */
  readonly bufferSize?: number
  /** Events read from the store per page during replay. */
  readonly pageSize?: number
}

interface Hub {
  readonly pubsub: PubSub.PubSub<RunEvent>
  subscribers: number
}

const make = (options: LogStreamOptions) =>
  Effect.gen(function* () {
    const store = yield* RunStore
    const bufferSize = Math.max(options.bufferSize ?? 1024, 1)
    const pageSize = Math.max(options.pageSize ?? 500, 1)
    const lastSeqs = new Map<string, number>()
    const hubs = new Map<string, Hub>()
    const lock = yield* Effect.makeSemaphore(1)

    const append: LogStreamService["append"] = (runId, input) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const previous = lastSeqs.get(runId) ?? (yield* store.lastSeq(runId))
          const event = { ...input, runId, seq: previous + 1, time: new Date().toISOString() } as RunEvent
          yield* store.insertEvent(event)
          if (event.type === "end") lastSeqs.delete(runId)
          else lastSeqs.set(runId, event.seq)
          const hub = hubs.get(runId)
          if (hub) yield* PubSub.publish(hub.pubsub, event)
          return event
        })
      )

    const acquireHub = (runId: string) =>
      Effect.acquireRelease(
        Effect.gen(function* () {
          let hub = hubs.get(runId)
          if (!hub) {
            hub = { pubsub: yield* PubSub.sliding<RunEvent>(bufferSize), subscribers: 0 }
            hubs.set(runId, hub)
          }
          hub.subscribers++
          return hub
        }),
        (hub) =>
          Effect.suspend(() => {
            hub.subscribers--
            if (hub.subscribers > 0 || hubs.get(runId) !== hub) return Effect.void
            hubs.delete(runId)
            return PubSub.shutdown(hub.pubsub)
          })
      )

    const subscribe: LogStreamService["subscribe"] = (runId, after) =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const hub = yield* acquireHub(runId)
          const live = yield* PubSub.subscribe(hub.pubsub)
          let last = Math.max(0, Math.floor(after))
          let done = false
          let replaying = true

          const accept = (events: ReadonlyArray<RunEvent>, out: Array<RunEvent>) => {
            for (const e of events) {
              if (done || e.seq !== last + 1) continue
              out.push(e)
              last = e.seq
              if (e.type === "end") done = true
            }
          }
          const fillTo = (seq: number, out: Array<RunEvent>): Effect.Effect<void, CtsError> =>
            Effect.gen(function* () {
              while (!done && last < seq) {
                const page = yield* store.readEvents(runId, last, Math.min(pageSize, seq - last))
                if (page.length === 0) return
                accept(page, out)
              }
            })

          const next: Effect.Effect<Chunk.Chunk<RunEvent>, CtsError> = Effect.gen(function* () {
            const out: Array<RunEvent> = []
            if (replaying) {
              const page = yield* store.readEvents(runId, last, pageSize)
              if (page.length > 0) {
                accept(page, out)
                return Chunk.unsafeFromArray(out)
              }
              replaying = false
            }
            const received = yield* live.takeBetween(1, pageSize)
            for (const e of received) {
              if (done) break
              if (e.seq <= last) continue
              if (e.seq > last + 1) yield* fillTo(e.seq - 1, out)
              accept([e], out)
            }
            return Chunk.unsafeFromArray(out)
          })
          const pull: Effect.Effect<Chunk.Chunk<RunEvent>, Option.Option<CtsError>> = Effect.suspend(() =>
            done ? Effect.fail(Option.none()) : Effect.mapError(next, Option.some)
          )

          return Stream.repeatEffectChunkOption(pull)
        })
      )

    const service: LogStreamService = {
      append,
      read: (runId, after, limit) => store.readEvents(runId, Math.max(0, Math.floor(after)), Math.min(Math.max(limit ?? pageSize, 1), 10_000)),
      subscribe
    }
    return service
  })

/**
 * LogStream persisted in the RunStore with a bounded (sliding) live buffer per run: publishers never
 * wait, and a subscriber that falls behind refills the skipped events from the store.
 */
export const LogStreamLive = (options: LogStreamOptions = {}): Layer.Layer<LogStream, never, RunStore> =>
  Layer.effect(LogStream, make(options))
