import { Context, Deferred, Effect, Layer } from "effect"
import type { CtsError } from "../../model/errors.js"
import { RUN_STATUSES, isTerminalStatus, type RunError, type RunRecord, type RunStatus } from "../../model/run.js"
import type { ArtifactStore } from "../artifacts/artifact-store.js"
import { CtsConfig } from "../config.js"
import { ValidationError } from "../errors.js"
import { LogStream } from "../run-events/log-stream.js"
import type { ToolRegistry } from "../registry/tool-registry.js"
import { ToolSources } from "../registry/tool-registry-live.js"
import { RunStore, type LeasedRun } from "../store/run-store.js"
import { registerInstance } from "../util/process-instance.js"
import { Executor, type ExecutorService } from "./executor.js"
import { cancelElsewhere, watchCancelRequests } from "./remote-cancel.js"
import { DEFAULT_LEASE_TIMING, keepLeases, leaseOwnerId, recoverLostRuns, type LeaseTiming } from "./run-leases.js"
import { RunQueue, type QueuedRun } from "./run-queue.js"
import { makeRunHooks } from "./run-hooks.js"
import { validateSubmission } from "./run-submission.js"
import { ToolRunner } from "./tool-runner.js"

export { MAX_LOG_LINES_PER_RUN } from "./run-hooks.js"

/** Options of the RunService layer. */
export interface RunServiceOptions {
  /** Lease length, renewal and lost-run sweep periods (defaults: `DEFAULT_LEASE_TIMING`). */
  readonly leases?: Partial<LeaseTiming>
}

interface Entry {
  state: "queued" | "running" | "done"
  readonly cancel: Deferred.Deferred<void>
  readonly finished: Deferred.Deferred<RunRecord, CtsError>
  readonly timeoutMs: number
  /** The record's inputs; a path input's sha256 is filled in when the worker has hashed it. */
  inputs: RunRecord["inputs"]
}

const now = () => new Date().toISOString()
const INTERRUPTED: RunError = {
  category: "tool_error",
  code: "interrupted",
  message: "The run was interrupted: cts-lite stopped while the run was queued or running",
  suggestedAction: "Submit the run again"
}
const workerLost = (run: LeasedRun): RunError => ({
  category: "system_error",
  code: "worker_lost",
  message: `The worker executing the run (${run.owner}) stopped before the run ended`,
  suggestedAction: "Submit the run again"
})
const categoryOf = { ValidationError: "validation_error", ToolError: "tool_error", SystemError: "system_error" } as const

const make = (options: RunServiceOptions) =>
  Effect.gen(function* () {
    const config = yield* CtsConfig
    const runs = yield* RunStore
    const logs = yield* LogStream
    const queue = yield* RunQueue
    const runner = yield* ToolRunner
    const submission = yield* Effect.context<CtsConfig | ToolRegistry | ToolSources | ArtifactStore>()
    const toolSources = Context.get(submission, ToolSources)
    const timing: LeaseTiming = { ...DEFAULT_LEASE_TIMING, ...options.leases }
    const { host } = yield* Effect.acquireRelease(Effect.sync(registerInstance), i => Effect.sync(i.release))
    const self = leaseOwnerId(host)
    const leaseUntil = () => new Date(Date.now() + timing.leaseMs).toISOString()
    const entries = new Map<string, Entry>()

    const finish = (id: string, status: RunStatus, extra: { error?: RunError | null; summary?: Record<string, unknown> | null } = {}) =>
      Effect.gen(function* () {
        const current = yield* runs.getRun(id)
        if (current && isTerminalStatus(current.status)) return current
        // A run stopped gracefully (it finished its artifacts and reported a summary) keeps them whole.
        if (status !== "completed" && !extra.summary) yield* runs.markRunArtifactsPartial(id)
        yield* runs.updateRun(id, { status, finishedAt: now(), error: extra.error ?? null, summary: extra.summary ?? null })
        yield* logs.append(id, { type: "status", status })
        yield* logs.append(id, { type: "end", status })
        return (yield* runs.getRun(id))!
      })

    const complete = (id: string, entry: Entry, status: RunStatus, extra: Parameters<typeof finish>[2] = {}) =>
      Effect.suspend(() => {
        if (entry.state === "done") return Effect.void
        entry.state = "done"
        return finish(id, status, extra).pipe(
          Effect.catchAll(e =>
            finish(id, "failed", { error: { category: "system_error", code: "finalize_failed", message: `Recording the end of the run failed: ${e.message}` } })
          ),
          Effect.tap(record => Deferred.succeed(entry.finished, record)),
          Effect.tapError(e => Deferred.fail(entry.finished, e)),
          Effect.ensuring(Effect.sync(() => entries.delete(id))),
          Effect.asVoid
        )
      })

    // With a shared queue runs execute on worker nodes, so a run whose owner is gone lost its worker.
    const recoverLost = (run: LeasedRun, error: RunError) =>
      Effect.asVoid(finish(run.id, "failed", { error: queue.inProcess || error.code === "worker_lost" ? error : workerLost(run) }))
    yield* recoverLostRuns(runs, self, timing, recoverLost)

    /** An entry for a run taken from a shared queue (submitted by another node), once this node holds its lease. */
    const adopt = (taken: QueuedRun) =>
      Effect.gen(function* () {
        // Only a queued run is leased: a run already running belongs to its node (or is recovered from it).
        if (!(yield* runs.takeLease(taken.runId, self, leaseUntil(), now()))) return null
        const record = yield* runs.getRun(taken.runId)
        if (!record || record.status !== "queued") return null
        const entry: Entry = {
          state: "queued",
          cancel: yield* Deferred.make<void>(),
          finished: yield* Deferred.make<RunRecord, CtsError>(),
          timeoutMs: taken.timeoutMs,
          inputs: record.inputs
        }
        entries.set(taken.runId, entry)
        return entry
      })

    const execute = (taken: QueuedRun) => {
      const id = taken.runId
      return Effect.gen(function* () {
        const entry = entries.get(id) ?? (yield* adopt(taken))
        if (!entry || entry.state !== "queued") return
        entry.state = "running"
        yield* runs.updateRun(id, { status: "running", startedAt: now() })
        yield* logs.append(id, { type: "status", status: "running" })
        const hooks = makeRunHooks(id, runs, logs, (index, sha256) => {
          const current = entries.get(id)
          if (!current || !current.inputs[index]) return null
          current.inputs = current.inputs.map((input, i) => (i === index ? { ...input, sha256 } : input))
          return current.inputs
        })
        // A job from another node runs this node's own copy of the tool; its artifact inputs are read through this node's ArtifactStore.
        const job = queue.inProcess ? taken.job : { ...taken.job, moduleUrl: toolSources.moduleOf(taken.job.toolId) }
        const outcome = yield* runner.run({
          job,
          timeoutMs: entry.timeoutMs,
          cancel: entry.cancel,
          hooks,
          ...(taken.stopGraceMs !== undefined ? { stopGraceMs: taken.stopGraceMs } : {})
        })
        if (outcome._tag === "completed") return yield* complete(id, entry, "completed", { summary: outcome.summary })
        if (outcome._tag === "stopped" && outcome.reason === "canceled")
          return yield* complete(id, entry, "canceled", outcome.summary ? { summary: outcome.summary } : {})
        const error: RunError =
          outcome._tag === "failed"
            ? {
                category: categoryOf[outcome.error._tag],
                code: outcome.error.code,
                message: outcome.error.message,
                ...(outcome.error.suggestedAction ? { suggestedAction: outcome.error.suggestedAction } : {})
              }
            : {
                category: "tool_error",
                code: "timeout",
                message: `The run exceeded its timeout of ${entry.timeoutMs} ms and was stopped`,
                suggestedAction: "Submit again with a longer timeout, or split the input"
              }
        return yield* complete(id, entry, "failed", { error })
      }).pipe(
        Effect.onInterrupt(() => {
          const entry = entries.get(id)
          return entry ? Effect.ignore(complete(id, entry, "failed", { error: INTERRUPTED })) : Effect.void
        }),
        Effect.catchAllCause(cause => {
          const entry = entries.get(id)
          const error: RunError = { category: "system_error", code: "executor_error", message: `The executor failed while running the tool: ${cause}` }
          return entry ? Effect.ignore(complete(id, entry, "failed", { error })) : Effect.void
        }),
        Effect.ensuring(Effect.ignore(queue.ack(id)))
      )
    }

    const takeNext = Effect.flatMap(queue.take, execute).pipe(Effect.catchAll(() => Effect.sleep("1 second")))
    for (let i = 0; i < config.concurrency; i++) yield* Effect.forkScoped(Effect.forever(takeNext))
    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        [...entries].filter(([, e]) => e.state === "queued"),
        ([id, e]) => Effect.ignore(complete(id, e, "failed", { error: INTERRUPTED }))
      )
    )

    const get = (id: string) =>
      Effect.flatMap(runs.getRun(id), r =>
        r
          ? Effect.succeed(r)
          : Effect.fail(
              new ValidationError({ code: "run_not_found", message: `No run with id ${JSON.stringify(id)}`, suggestedAction: "List runs to find valid ids" })
            )
      )

    const submit: ExecutorService["submit"] = req =>
      Effect.gen(function* () {
        const { record, queued } = yield* Effect.provide(validateSubmission(req), submission)
        if (queue.inProcess) {
          yield* runs.insertRun(record, self, leaseUntil())
          entries.set(record.id, {
            state: "queued",
            cancel: yield* Deferred.make<void>(),
            finished: yield* Deferred.make<RunRecord, CtsError>(),
            timeoutMs: queued.timeoutMs,
            inputs: record.inputs
          })
        } else yield* runs.insertRun(record, self)
        yield* logs.append(record.id, { type: "status", status: "queued" })
        // A run the queue refused ends failed with the queue's error, so no record stays queued for nothing.
        yield* queue.offer(queued).pipe(
          Effect.tapError(e =>
            Effect.ignore(
              Effect.suspend(() => {
                const entry = entries.get(record.id)
                const error: RunError = { category: categoryOf[e._tag], code: e.code, message: e.message }
                return entry ? complete(record.id, entry, "failed", { error }) : finish(record.id, "failed", { error })
              })
            )
          )
        )
        return record
      })

    const service: ExecutorService = {
      submit,
      get,
      list: query =>
        query.status !== undefined && !RUN_STATUSES.includes(query.status)
          ? Effect.fail(
              new ValidationError({ code: "invalid_query", message: `Unknown status ${JSON.stringify(query.status)}; use one of ${RUN_STATUSES.join(", ")}` })
            )
          : runs.listRuns(query),
      cancel: id =>
        Effect.gen(function* () {
          const run = yield* get(id)
          const entry = entries.get(id)
          if (!entry || entry.state === "done") {
            if (isTerminalStatus(run.status)) return { run, outcome: "already_finished" as const }
            const finished = entry ? yield* Deferred.await(entry.finished) : null
            if (finished) return { run: finished, outcome: "already_finished" as const }
            // A run nobody has taken from a shared queue yet ends here; one a node took is canceled by that node.
            if (!queue.inProcess && run.status === "queued" && (yield* queue.remove(id)))
              return { run: yield* finish(id, "canceled"), outcome: "canceled" as const }
            return yield* cancelElsewhere(runs, get, id)
          }
          let first = true
          if (entry.state === "queued") yield* Effect.zipRight(Effect.ignore(queue.remove(id)), complete(id, entry, "canceled"))
          else first = yield* Deferred.succeed(entry.cancel, undefined)
          const finished = yield* Deferred.await(entry.finished)
          return { run: finished, outcome: first && finished.status === "canceled" ? ("canceled" as const) : ("already_finished" as const) }
        }),
      await: id =>
        Effect.gen(function* () {
          const run = yield* get(id)
          if (isTerminalStatus(run.status)) return run
          const entry = entries.get(id)
          if (entry) return yield* Deferred.await(entry.finished)
          for (;;) {
            yield* Effect.sleep("250 millis")
            const latest = yield* get(id)
            if (isTerminalStatus(latest.status)) return latest
          }
        }),
      queueDepth: Effect.suspend(() => {
        let queued = 0
        let running = 0
        for (const e of entries.values()) e.state === "queued" ? queued++ : e.state === "running" && running++
        if (queue.inProcess) return Effect.succeed({ queued, running })
        // A shared queue's waiting runs are everyone's; running counts this node's own.
        return queue.depth.pipe(
          Effect.map(depth => ({ queued: depth.waiting, running })),
          Effect.orElseSucceed(() => ({ queued, running }))
        )
      })
    }
    const localRuns = () => [...entries].filter(([, e]) => e.state !== "done").map(([id]) => id)
    yield* Effect.forkScoped(watchCancelRequests(runs, localRuns, service.cancel))
    yield* Effect.forkScoped(keepLeases(runs, self, timing, recoverLost))
    return service
  })

/** What the RunService layer needs. */
export type RunServiceRequirements = CtsConfig | ToolRegistry | ToolSources | RunStore | ArtifactStore | LogStream | RunQueue | ToolRunner

/**
 * The RunService (Tag `Executor`): validates and submits runs, offers them to the RunQueue, takes them
 * with `concurrency` fibers, runs each through the ToolRunner, and holds a lease on every run it
 * owns (renewed while it lives); runs of owners that are gone are recovered as failed.
 */
export const makeRunServiceLayer = (options: RunServiceOptions = {}): Layer.Layer<Executor, CtsError, RunServiceRequirements> =>
  Layer.scoped(Executor, make(options))

/** The RunService with default lease timing. */
export const ExecutorLive: Layer.Layer<Executor, CtsError, RunServiceRequirements> = makeRunServiceLayer()
