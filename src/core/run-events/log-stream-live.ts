import { Chunk, Effect, Layer, Option, PubSub, Stream } from "effect"
import type { CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { EventBus } from "./event-bus.js"
import { LogStream, type LogStreamService, type RunEvent } from "./log-stream.js"

/** Tuning of the log stream. */
export interface LogStreamOptions {
  /** Events read from the store per page during replay. */
  readonly pageSize?: number
}

/** Run changes buffered per `changes` subscriber before the oldest are dropped. */
const CHANGES_BUFFER = 256

const make = (options: LogStreamOptions) =>
  Effect.gen(function* () {
    const store = yield* RunStore
    const bus = yield* EventBus
    const pageSize = Math.max(options.pageSize ?? 500, 1)
    const lastSeqs = new Map<string, number>()
    const lock = yield* Effect.makeSemaphore(1)
    const changes = yield* PubSub.sliding<RunEvent>(CHANGES_BUFFER)

    const append: LogStreamService["append"] = (runId, input) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const previous = lastSeqs.get(runId) ?? (yield* store.lastSeq(runId))
          const event = { ...input, runId, seq: previous + 1, time: new Date().toISOString() } as RunEvent
          yield* store.insertEvent(event)
          if (event.type === "end") lastSeqs.delete(runId)
          else lastSeqs.set(runId, event.seq)
          yield* bus.publish(event)
          if (event.type === "status" || event.type === "progress") yield* PubSub.publish(changes, event)
          return event
        })
      )

    const subscribe: LogStreamService["subscribe"] = (runId, after) =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const live = yield* bus.subscribe(runId)
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
            for (const notice of received) {
              if (done) break
              if (notice.seq <= last) continue
              if (notice.event !== undefined && notice.seq === last + 1) accept([notice.event], out)
              else yield* fillTo(notice.seq, out)
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
      subscribe,
      changes: Effect.gen(function* () {
        const local = Stream.fromQueue(yield* PubSub.subscribe(changes)).pipe(Stream.map(e => ({ runId: e.runId, seq: e.seq })))
        if (!bus.remoteChanges) return local
        return Stream.merge(local, Stream.fromQueue(yield* bus.remoteChanges))
      })
    }
    return service
  })

/**
 * LogStream persisted in the RunStore; live followers learn of new events through the EventBus
 * (joined before the replay), take events it carries in order, and fill every other seq from the store.
 */
export const LogStreamLive = (options: LogStreamOptions = {}): Layer.Layer<LogStream, never, RunStore | EventBus> => Layer.effect(LogStream, make(options))
