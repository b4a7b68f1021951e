import { Context, Effect, Layer, PubSub, type Queue, type Scope } from "effect"
import type { CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import type { RunEvent } from "./log-stream.js"

/**
 * What a subscriber learns from the bus: the run's events up to `seq` exist in the store. `event` is
 * that event itself when it was published in this process (a subscriber can then skip the store read).
 */
export interface RunEventNotice {
  readonly seq: number
  readonly event?: RunEvent
}

/** Tells whoever follows a run that new events were appended; the events themselves live in the RunStore. */
export interface EventBusService {
  /** Announces an event just persisted; never waits for subscribers. */
  readonly publish: (event: RunEvent) => Effect.Effect<void>
  /**
   * Joins the run's notices for the lifetime of the scope. Bounded and sliding: a subscriber that
   * falls behind loses older notices but always keeps the newest one, so it can refill from the store.
   */
  readonly subscribe: (runId: string) => Effect.Effect<Queue.Dequeue<RunEventNotice>, never, Scope.Scope>
  /**
   * Joins, for the lifetime of the scope, the `status` and `progress` events that other processes
   * appended to any run (live only; sliding, 256 per subscriber): present only on a bus that spans
   * processes (Redis), where runs execute elsewhere.
   */
  readonly remoteChanges?: Effect.Effect<Queue.Dequeue<RemoteChange>, never, Scope.Scope>
}

/** A status or progress event another process appended (its content is in the store). */
export interface RemoteChange {
  readonly runId: string
  readonly seq: number
}

/** Remote changes buffered per subscriber before the oldest are dropped. */
const REMOTE_CHANGES_BUFFER = 256

/** Tuning of an EventBus layer. */
export interface EventBusOptions {
  /** Notices buffered per run and subscriber (default 1024). */
  readonly bufferSize?: number
  /** How often `layerStore` asks the store for events of other processes, in ms (default 50). */
  readonly pollMs?: number
}

interface Hub {
  readonly pubsub: PubSub.PubSub<RunEventNotice>
  subscribers: number
  /** Highest seq announced on this hub. */
  known: number
}

type LastSeqs = (runIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, number>, CtsError>

/** A channel between processes (e.g. Redis pub/sub) that carries "run X has events up to seq N". */
export interface RemoteNotices {
  readonly publish: (event: RunEvent) => Effect.Effect<void>
  /** Delivers every notice published by any process until the scope closes; `fromHere` marks this process's own. */
  readonly listen: (
    deliver: (notice: { readonly runId: string; readonly seq: number; readonly type: string; readonly fromHere: boolean }) => void
  ) => Effect.Effect<void, never, Scope.Scope>
}

/** Builds an EventBus; `lastSeqs` adds a store poll while runs are followed, `remote` a cross-process channel. */
export const makeBus = (options: EventBusOptions, lastSeqs: LastSeqs | null, remote: RemoteNotices | null = null) =>
  Effect.gen(function* () {
    const bufferSize = Math.max(options.bufferSize ?? 1024, 1)
    const hubs = new Map<string, Hub>()

    const announce = (hub: Hub, notice: RunEventNotice) => {
      if (notice.seq > hub.known) hub.known = notice.seq
      return PubSub.publish(hub.pubsub, notice)
    }

    const acquireHub = (runId: string) =>
      Effect.acquireRelease(
        Effect.gen(function* () {
          let hub = hubs.get(runId)
          if (!hub) {
            hub = { pubsub: yield* PubSub.sliding<RunEventNotice>(bufferSize), subscribers: 0, known: 0 }
            hubs.set(runId, hub)
          }
          hub.subscribers++
          return hub
        }),
        hub =>
          Effect.suspend(() => {
            hub.subscribers--
            if (hub.subscribers > 0 || hubs.get(runId) !== hub) return Effect.void
            hubs.delete(runId)
            return PubSub.shutdown(hub.pubsub)
          })
      )

    if (lastSeqs !== null) {
      const pollMs = Math.max(options.pollMs ?? 50, 1)
      const poll = Effect.gen(function* () {
        if (hubs.size === 0) return
        const found = yield* lastSeqs([...hubs.keys()])
        for (const [runId, seq] of found) {
          const hub = hubs.get(runId)
          if (hub && seq > hub.known) yield* announce(hub, { seq })
        }
      }).pipe(Effect.catchAll(() => Effect.void))
      yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(pollMs), poll)))
    }

    const remoteChanges = remote === null ? null : yield* PubSub.sliding<RemoteChange>(REMOTE_CHANGES_BUFFER)
    if (remote !== null && remoteChanges !== null) {
      yield* remote.listen(({ runId, seq, type, fromHere }) => {
        const hub = hubs.get(runId)
        if (hub && seq > hub.known) Effect.runSync(announce(hub, { seq }))
        if (!fromHere && (type === "status" || type === "progress")) Effect.runSync(PubSub.publish(remoteChanges, { runId, seq }))
      })
    }

    const service: EventBusService = {
      publish: event =>
        Effect.suspend(() => {
          const hub = hubs.get(event.runId)
          const local = hub ? Effect.asVoid(announce(hub, { seq: event.seq, event })) : Effect.void
          return remote === null ? local : Effect.zipRight(local, remote.publish(event))
        }),
      ...(remoteChanges !== null ? { remoteChanges: PubSub.subscribe(remoteChanges) } : {}),
      subscribe: runId => Effect.flatMap(acquireHub(runId), hub => PubSub.subscribe(hub.pubsub))
    }
    return service
  })

/** The EventBus port: how followers of a run learn that new events exist. */
export class EventBus extends Context.Tag("cts/EventBus")<EventBus, EventBusService>() {
  /** In-process only (one PubSub per followed run): for tests and a single process. */
  static readonly layerMemory = (options: EventBusOptions = {}): Layer.Layer<EventBus> => Layer.scoped(EventBus, makeBus(options, null))

  /**
   * The embedded default: in-process notices, plus — only while a run has followers — a poll of the
   * RunStore's highest seq per followed run every `pollMs`, so events appended by another process
   * sharing the data dir are noticed too.
   */
  static readonly layerStore = (options: EventBusOptions = {}): Layer.Layer<EventBus, never, RunStore> =>
    Layer.scoped(
      EventBus,
      Effect.flatMap(RunStore, store => makeBus(options, store.lastSeqs))
    )
}
