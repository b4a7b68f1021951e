import { randomBytes } from "node:crypto"
import { Redis } from "ioredis"
import { Effect, Layer } from "effect"
import { SystemError, type CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { EventBus, makeBus, type EventBusOptions, type RemoteNotices } from "./event-bus.js"

/** Options of `layerRedisEventBus`. */
export interface RedisEventBusOptions extends EventBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  readonly url: string
  /** Pub/sub channel (default `cts:run-events`); nodes sharing runs use the same one. */
  readonly channel?: string
  /** How long the layer waits for Redis at start, ms (default 5000). */
  readonly connectTimeoutMs?: number
}

const unreachable = (url: string, cause: unknown) =>
  new SystemError({
    code: "event_bus_unavailable",
    message: `The event bus on ${url.replace(/:[^:@/]*@/, ":***@")} cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`,
    suggestedAction: "Check that Redis runs and that the queue URL (CTS_QUEUE, --queue) names it"
  })

const connect = (url: string, connectTimeoutMs: number, offlineQueue: boolean) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const client = new Redis(url, {
          lazyConnect: true,
          connectTimeout: connectTimeoutMs,
          // The publisher fails fast while Redis is away (the store poll covers the gap); the subscriber waits and resubscribes.
          enableOfflineQueue: offlineQueue,
          maxRetriesPerRequest: offlineQueue ? null : 1
        })
        client.on("error", () => {})
        try {
          await client.connect()
        } catch (e) {
          client.disconnect()
          throw e
        }
        return client
      },
      catch: e => unreachable(url, e)
    }),
    client => Effect.sync(() => client.disconnect())
  )

/**
 * An EventBus across nodes: each appended event is announced on a Redis pub/sub channel, and every node wakes the followers it has of that run; a follower then reads the events
 * from the RunStore, so no line is lost or repeated. A notice lost while Redis reconnects is made good
 * by a slow store poll (`pollMs`, default 1000) while a run is followed.
 */
export const layerRedisEventBus = (options: RedisEventBusOptions): Layer.Layer<EventBus, CtsError, RunStore> =>
  Layer.scoped(
    EventBus,
    Effect.gen(function* () {
      const store = yield* RunStore
      const channel = options.channel ?? "cts:run-events"
      const timeout = options.connectTimeoutMs ?? 5000
      const publisher = yield* connect(options.url, timeout, false)
      const subscriber = yield* connect(options.url, timeout, true)
      // A message is `<node> <type> <runId> <seq>`: the node id lets a process tell its own notices from others'.
      const node = randomBytes(6).toString("hex")
      const remote: RemoteNotices = {
        publish: event =>
          Effect.promise(() => publisher.publish(channel, `${node} ${event.type} ${event.runId} ${event.seq}`).catch(() => 0)).pipe(Effect.asVoid),
        listen: deliver =>
          Effect.gen(function* () {
            subscriber.on("message", (from: string, message: string) => {
              if (from !== channel) return
              const [sender, type, runId, seqText] = message.split(" ")
              const seq = Number(seqText)
              if (sender && type && runId && Number.isInteger(seq)) deliver({ runId, seq, type, fromHere: sender === node })
            })
            yield* Effect.promise(() => subscriber.subscribe(channel).catch(() => 0))
          })
      }
      return yield* makeBus({ ...options, pollMs: options.pollMs ?? 1000 }, store.lastSeqs, remote)
    })
  )
