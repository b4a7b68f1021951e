import { hostname } from "node:os"
import { Queue as BullQueue, DelayedError, Worker as BullWorker } from "bullmq"
import { Effect, Layer, Queue } from "effect"
import { SystemError, type CtsError } from "../errors.js"
import { RunQueue, type QueuedRun, type RunQueueService } from "./run-queue.js"

/** Options of `RunQueue.layerBullMQ`. */
export interface BullRunQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  readonly url: string
  /** True in `cts worker`: this node takes runs (up to `concurrency` at once); false: it only submits. */
  readonly consume: boolean
  /** Runs this node executes at once when it consumes. */
  readonly concurrency: number
  /** BullMQ queue name (default `cts-runs`); nodes sharing runs use the same name and Redis. */
  readonly name?: string
  /** BullMQ key prefix (default `cts`). */
  readonly prefix?: string
  /** How long a node has to reach Redis at start, ms (default 5000). */
  readonly connectTimeoutMs?: number
}

type Outcome = "ack" | "nack"

const redacted = (url: string) => url.replace(/:[^:@/]*@/, ":***@")

const unreachable = (url: string, cause: unknown) =>
  new SystemError({
    code: "queue_unavailable",
    message: `The run queue at ${redacted(url)} cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`,
    suggestedAction: "Check that Redis runs and that the queue URL (CTS_QUEUE, --queue) names it"
  })

const call = <A>(url: string, what: () => Promise<A>): Effect.Effect<A, CtsError> => Effect.tryPromise({ try: what, catch: e => unreachable(url, e) })

const make = (options: BullRunQueueOptions) =>
  Effect.gen(function* () {
    const { url } = options
    const name = options.name ?? "cts-runs"
    const prefix = options.prefix ?? "cts"
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000
    // Submitting fails fast while Redis is away (no offline queue); ioredis reconnects by itself.
    const producer = yield* Effect.acquireRelease(
      Effect.sync(() => new BullQueue<QueuedRun>(name, { prefix, connection: { url, enableOfflineQueue: false, connectTimeout: connectTimeoutMs } })),
      q => Effect.ignore(Effect.promise(() => q.close()))
    )
    producer.on("error", () => {})
    yield* call(url, () => producer.waitUntilReady()).pipe(
      Effect.timeoutFail({ duration: connectTimeoutMs, onTimeout: () => unreachable(url, new Error(`no answer within ${connectTimeoutMs} ms`)) })
    )

    const handed = yield* Queue.unbounded<QueuedRun>()
    const pending = new Map<string, (outcome: Outcome) => void>()
    const settle = (runId: string, outcome: Outcome) =>
      Effect.sync(() => {
        const resolve = pending.get(runId)
        pending.delete(runId)
        resolve?.(outcome)
      })

    let stopTaking: Effect.Effect<void> | undefined
    if (options.consume) {
      const worker = new BullWorker<QueuedRun>(
        name,
        async (job, token) => {
          const outcome = await new Promise<Outcome>(resolve => {
            pending.set(job.data.runId, resolve)
            Effect.runSync(Queue.offer(handed, job.data))
          })
          if (outcome === "ack") return null
          // Given back before it started (this node is stopping): another node takes it.
          await job.moveToDelayed(Date.now(), token)
          throw new DelayedError()
        },
        {
          prefix,
          name: `${hostname()}:${process.pid}`,
          concurrency: Math.max(1, options.concurrency),
          connection: { url, maxRetriesPerRequest: null, connectTimeout: connectTimeoutMs },
          // A job whose node died goes back to wait once; the run's store lease decides whether it still runs.
          maxStalledCount: 1
        }
      )
      worker.on("error", () => {})
      stopTaking = Effect.gen(function* () {
        yield* Effect.ignore(Effect.promise(() => worker.pause(true)))
        // Runs handed over but not taken by a runner go back to the queue for another node.
        for (const run of yield* Queue.takeAll(handed)) yield* settle(run.runId, "nack")
      })
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          for (const runId of [...pending.keys()]) yield* settle(runId, "nack")
          yield* Effect.ignore(Effect.promise(() => worker.close()).pipe(Effect.timeout("5 seconds")))
          yield* Effect.ignore(Effect.promise(() => worker.close(true)))
        })
      )
    }

    const service: RunQueueService = {
      inProcess: false,
      backend: "redis",
      offer: run =>
        call(url, () => producer.add("run", run, { jobId: run.runId, removeOnComplete: { count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } })).pipe(
          Effect.asVoid
        ),
      take: options.consume ? Queue.take(handed) : Effect.never,
      ack: runId => settle(runId, "ack"),
      nack: runId => settle(runId, "nack"),
      remove: runId =>
        call(url, async () => {
          const job = await producer.getJob(runId)
          if (!job || !["waiting", "delayed", "prioritized"].includes(await job.getState())) return false
          // A job taken meanwhile is locked: BullMQ then refuses to remove it (0).
          return (await producer.remove(runId)) > 0
        }),
      depth: call(url, () => producer.getJobCounts("waiting", "delayed", "prioritized", "active")).pipe(
        Effect.map(c => ({ waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), taken: c.active ?? 0 }))
      ),
      workers: call(url, () => producer.getWorkers()).pipe(
        Effect.map(clients => clients.map(c => ({ name: String(c.rawname ?? c.name ?? "").replace(/^.*:w:/, ""), idleSeconds: Number(c.idle ?? 0) })))
      ),
      ping: call(url, async () => (await producer.backend.client).runCommand("ping", [])).pipe(Effect.asVoid),
      ...(stopTaking ? { stopTaking } : {})
    }
    return service
  })

/**
 * The RunQueue on BullMQ (Redis): `offer` adds a job whose id is the run id (the same run offered twice
 * is one job); a consuming node's BullMQ Worker hands each job to `take` and keeps the job active (its
 * lock renewed) until `ack`; `nack` moves it back so another node takes it. Runs stay unleased while
 * queued; the node that takes one leases it in the RunStore, which is what recovers it if that node dies.
 */
export const layerBullMQ = (options: BullRunQueueOptions): Layer.Layer<RunQueue, CtsError> => Layer.scoped(RunQueue, make(options))
