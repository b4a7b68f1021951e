import { Context, Effect, Layer, Queue } from "effect"
import type { CtsError } from "../../model/errors.js"
import type { WorkerJob } from "./worker-protocol.js"

/** A run waiting to be executed: everything a node needs to run it, as plain data (it may cross a process or a network). */
export interface QueuedRun {
  readonly runId: string
  readonly job: WorkerJob
  readonly timeoutMs: number
  /** Grace a stopped run gets to finish its artifacts (monitors); absent: the default stop grace. */
  readonly stopGraceMs?: number
}

/** A node consuming a shared queue, as the queue's server sees it. */
export interface QueueWorker {
  /** `host:pid` of the node. */
  readonly name: string
  /** Seconds since the node's last command to the queue (a heartbeat: a live node polls at least every few seconds). */
  readonly idleSeconds: number
}

/**
 * The queue of accepted runs between `RunService.submit` and the nodes that execute them.
 *
 * `take` hands a run to one taker; the taker then takes the run's lease in the store
 * (`RunStore.takeLease`), which is what proves it alive while it runs: a taker that dies stops
 * renewing the lease and any process recovers the run (`worker_lost`). `ack` says the run has ended
 * (whatever its status); `nack` gives a taken run back before it started (e.g. the node is stopping).
 * A BullMQ layer maps `offer` to `Queue.add` with the run id as job id (the same run offered twice is
 * one job), `take` to a Worker's job, `ack` to completing the job and `nack` to moving it back to wait.
 */
export interface RunQueueService {
  /**
   * True when queued runs exist only in this process's memory: the submitting process then leases
   * each run from submit on (if it dies, its queued runs are recovered too). A shared queue leaves
   * queued runs unleased; the node that takes one leases it.
   */
  readonly inProcess: boolean
  /** `memory` (this process) or `redis` (BullMQ): what health and metrics name the queue. */
  readonly backend: "memory" | "redis"
  readonly offer: (run: QueuedRun) => Effect.Effect<void, CtsError>
  /** Waits for the next run. */
  readonly take: Effect.Effect<QueuedRun, CtsError>
  readonly ack: (runId: string) => Effect.Effect<void, CtsError>
  readonly nack: (runId: string) => Effect.Effect<void, CtsError>
  /** Drops a run nobody has taken yet (a canceled queued run); false when it was already taken or is unknown. */
  readonly remove: (runId: string) => Effect.Effect<boolean, CtsError>
  /** Runs waiting, and runs taken but not yet acked (on a shared queue: by every node). */
  readonly depth: Effect.Effect<{ readonly waiting: number; readonly taken: number }, CtsError>
  /** Nodes taking runs from this queue right now, each with the seconds since it last spoke to the queue; absent for an in-process queue. */
  readonly workers?: Effect.Effect<ReadonlyArray<QueueWorker>, CtsError>
  /** This node takes no more runs (a worker draining before it stops); runs handed to it but not yet taken go back. Absent: nothing to stop. */
  readonly stopTaking?: Effect.Effect<void>
  /** One round trip to the queue's server (health); absent when there is none. */
  readonly ping?: Effect.Effect<void, CtsError>
}

/** The RunQueue port; `RunQueue.layerMemory` is the embedded default (a FIFO in this process). */
export class RunQueue extends Context.Tag("cts/RunQueue")<RunQueue, RunQueueService>() {
  static readonly layerMemory: Layer.Layer<RunQueue> = Layer.effect(
    RunQueue,
    Effect.gen(function* () {
      const ids = yield* Queue.unbounded<string>()
      const waiting = new Map<string, QueuedRun>()
      const taken = new Map<string, QueuedRun>()
      const take: Effect.Effect<QueuedRun> = Effect.flatMap(Queue.take(ids), id => {
        const run = waiting.get(id)
        if (!run) return take
        waiting.delete(id)
        taken.set(id, run)
        return Effect.succeed(run)
      })
      return {
        inProcess: true,
        backend: "memory",
        offer: run =>
          Effect.suspend(() => {
            if (waiting.has(run.runId) || taken.has(run.runId)) return Effect.void
            waiting.set(run.runId, run)
            return Queue.offer(ids, run.runId)
          }),
        take,
        ack: runId => Effect.sync(() => void taken.delete(runId)),
        nack: runId =>
          Effect.suspend(() => {
            const run = taken.get(runId)
            if (!run) return Effect.void
            taken.delete(runId)
            waiting.set(runId, run)
            return Queue.offer(ids, runId)
          }),
        remove: runId => Effect.sync(() => waiting.delete(runId)),
        depth: Effect.sync(() => ({ waiting: waiting.size, taken: taken.size }))
      }
    })
  )
}
