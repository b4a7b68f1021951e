import { Deferred, Effect, Layer, Queue, Schema } from "effect"
import { ArtifactStore } from "../artifacts/artifact-store.js"
import { ArtifactFiles } from "../artifacts/local-artifact-store.js"
import { CtsConfig } from "../config.js"
import { DEFAULT_MAX_INPUT_BYTES_PER_RUN, DEFAULT_MAX_INPUTS_PER_RUN } from "../config-defaults.js"
import { ValidationError, type CtsError } from "../errors.js"
import { LogStream } from "../logs/log-stream.js"
import { ToolRegistry } from "../registry/tool-registry.js"
import { ToolSources } from "../registry/tool-registry-live.js"
import { newId } from "../store/ids.js"
import { RunStore } from "../store/run-store.js"
import { Executor, isTerminalStatus, type ExecutorService, type RunError, type RunRecord, type RunStatus } from "./executor.js"
import { precheckInputs } from "./input-precheck.js"
import { checkInputs } from "./input-resolver.js"
import { cancelElsewhere, watchCancelRequests } from "./remote-cancel.js"
import { hostAlive, registerInstance } from "./run-host.js"
import { runInWorker, type WorkerHooks } from "./run-worker.js"
import { makeWorkerPool } from "./worker-pool.js"
import type { WorkerJob } from "./worker-protocol.js"

/** Log lines kept per run; later lines are dropped (with one warning) so a chatty tool cannot flood the store. */
export const MAX_LOG_LINES_PER_RUN = 20_000
const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000
const STATUSES: ReadonlyArray<RunStatus> = ["queued", "running", "completed", "failed", "canceled"]

interface Entry {
  state: "queued" | "running" | "done"
  readonly cancel: Deferred.Deferred<void>
  readonly finished: Deferred.Deferred<RunRecord, CtsError>
  readonly job: WorkerJob
  readonly timeoutMs: number
  readonly stopGraceMs?: number
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
const categoryOf = { ValidationError: "validation_error", ToolError: "tool_error", SystemError: "system_error" } as const

const make = Effect.gen(function* () {
  const config = yield* CtsConfig
  const registry = yield* ToolRegistry
  const sources = yield* ToolSources
  const runs = yield* RunStore
  const store = yield* ArtifactStore
  const files = yield* ArtifactFiles
  const logs = yield* LogStream
  const { host } = yield* Effect.acquireRelease(Effect.sync(registerInstance), (i) => Effect.sync(i.release))
  const entries = new Map<string, Entry>()
  const queue = yield* Queue.unbounded<string>()
  const pool = yield* makeWorkerPool(1)

  const finish = (id: string, status: RunStatus, extra: { error?: RunError | null; summary?: Record<string, unknown> | null } = {}) =>
    Effect.gen(function* () {
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
        Effect.catchAll((e) =>
          finish(id, "failed", { error: { category: "system_error", code: "finalize_failed", message: `Recording the end of the run failed: ${e.message}` } })
        ),
        Effect.tap((record) => Deferred.succeed(entry.finished, record)),
        Effect.tapError((e) => Deferred.fail(entry.finished, e)),
        Effect.ensuring(Effect.sync(() => entries.delete(id))),
        Effect.asVoid
      )
    })

  for (const run of yield* runs.unfinishedRuns) {
    if (!hostAlive(run.host)) yield* finish(run.id, "failed", { error: INTERRUPTED })
  }

  const hooksFor = (id: string): WorkerHooks => {
    let lines = 0
    return {
      log: (level, source, message, data) =>
        Effect.suspend((): Effect.Effect<unknown, CtsError> => {
          lines++
          if (lines <= MAX_LOG_LINES_PER_RUN) return logs.append(id, { type: "log", level, source, message, ...(data ? { data } : {}) })
          if (lines > MAX_LOG_LINES_PER_RUN + 1) return Effect.void
          return logs.append(id, { type: "log", level: "warn", source: "executor", message: `More than ${MAX_LOG_LINES_PER_RUN} log lines: further lines are dropped` })
        }).pipe(Effect.ignore),
      progress: (fraction, note) =>
        Effect.ignore(
          Effect.zipRight(
            runs.updateRun(id, { progress: { fraction, ...(note !== undefined ? { note } : {}) } }),
            logs.append(id, { type: "progress", fraction, ...(note !== undefined ? { note } : {}) })
          )
        ),
      artifactStored: () => Effect.void,
      inputHashed: (index, sha256) =>
        Effect.suspend(() => {
          const entry = entries.get(id)
          if (!entry || !entry.inputs[index]) return Effect.void
          entry.inputs = entry.inputs.map((input, i) => (i === index ? { ...input, sha256 } : input))
          return Effect.ignore(runs.updateRun(id, { inputs: entry.inputs }))
        })
    }
  }

  const execute = (id: string) =>
    Effect.gen(function* () {
      const entry = entries.get(id)
      if (!entry || entry.state !== "queued") return
      entry.state = "running"
      yield* runs.updateRun(id, { status: "running", startedAt: now() })
      yield* logs.append(id, { type: "status", status: "running" })
      const outcome = yield* runInWorker({ job: entry.job, timeoutMs: entry.timeoutMs, cancel: entry.cancel, hooks: hooksFor(id), store, pool, ...(entry.stopGraceMs !== undefined ? { stopGraceMs: entry.stopGraceMs } : {}) })
      if (outcome._tag === "completed") return yield* complete(id, entry, "completed", { summary: outcome.summary })
      if (outcome._tag === "stopped" && outcome.reason === "canceled") return yield* complete(id, entry, "canceled", outcome.summary ? { summary: outcome.summary } : {})
      const error: RunError =
        outcome._tag === "failed"
          ? { category: categoryOf[outcome.error._tag], code: outcome.error.code, message: outcome.error.message, ...(outcome.error.suggestedAction ? { suggestedAction: outcome.error.suggestedAction } : {}) }
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
      Effect.catchAllCause((cause) => {
        const entry = entries.get(id)
        const error: RunError = { category: "system_error", code: "executor_error", message: `The executor failed while running the tool: ${cause}` }
        return entry ? Effect.ignore(complete(id, entry, "failed", { error })) : Effect.void
      })
    )

  for (let i = 0; i < config.concurrency; i++) {
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(queue), execute)))
  }
  yield* Effect.addFinalizer(() =>
    Effect.forEach([...entries].filter(([, e]) => e.state === "queued"), ([id, e]) => Effect.ignore(complete(id, e, "failed", { error: INTERRUPTED })))
  )

  const get = (id: string) =>
    Effect.flatMap(runs.getRun(id), (r) =>
      r ? Effect.succeed(r) : Effect.fail(new ValidationError({ code: "run_not_found", message: `No run with id ${JSON.stringify(id)}`, suggestedAction: "List runs to find valid ids" }))
    )

  const submit: ExecutorService["submit"] = (req) =>
    Effect.gen(function* () {
      const tool = yield* registry.get(req?.toolId)
      const decoded = yield* registry.decodeParams(req.toolId, req.params)
      const encoded = Schema.encodeUnknownEither(tool.params)(decoded)
      const params = (encoded._tag === "Right" ? encoded.right : (req.params ?? {})) as Record<string, unknown>
      if (req.timeoutMs !== undefined && !(Number.isInteger(req.timeoutMs) && req.timeoutMs > 0 && req.timeoutMs <= MAX_TIMEOUT_MS)) {
        return yield* new ValidationError({ code: "invalid_timeout", message: `timeoutMs must be a whole number of ms between 1 and ${MAX_TIMEOUT_MS}, got ${req.timeoutMs}` })
      }
      const timeoutMs = req.timeoutMs ?? tool.defaultTimeoutMs ?? config.defaultTimeoutMs
      const limits = { maxInputs: config.maxInputsPerRun ?? DEFAULT_MAX_INPUTS_PER_RUN, maxInputBytes: config.maxInputBytesPerRun ?? DEFAULT_MAX_INPUT_BYTES_PER_RUN }
      const inputs = yield* checkInputs(tool, req.input, config.inputRoots, limits, store, files)
      yield* precheckInputs(tool, inputs.map((i) => i.worker), decoded)
      const id = newId("run")
      const record: RunRecord = {
        id, toolId: tool.id, toolVersion: tool.version, name: req.name ?? null, owner: req.owner ?? null, status: "queued",
        params, inputs: inputs.map((i) => i.record), createdAt: now(), startedAt: null, finishedAt: null, timeoutMs,
        progress: null, error: null, summary: null, artifactIds: []
      }
      yield* runs.insertRun(record, host)
      const job: WorkerJob = { runId: id, toolId: tool.id, toolVersion: tool.version, moduleUrl: sources.moduleOf(tool.id), params, inputs: inputs.map((i) => i.worker), readLimits: config.logReadLimits }
      entries.set(id, { state: "queued", cancel: yield* Deferred.make<void>(), finished: yield* Deferred.make<RunRecord, CtsError>(), job, timeoutMs, inputs: record.inputs, ...(tool.stopGraceMs !== undefined ? { stopGraceMs: tool.stopGraceMs } : {}) })
      yield* logs.append(id, { type: "status", status: "queued" })
      yield* Queue.offer(queue, id)
      return record
    })

  const service: ExecutorService = {
    submit,
    get,
    list: (query) =>
      query.status !== undefined && !STATUSES.includes(query.status)
        ? Effect.fail(new ValidationError({ code: "invalid_query", message: `Unknown status ${JSON.stringify(query.status)}; use one of ${STATUSES.join(", ")}` }))
        : runs.listRuns(query),
    cancel: (id) =>
      Effect.gen(function* () {
        const run = yield* get(id)
        const entry = entries.get(id)
        if (!entry || entry.state === "done") {
          if (isTerminalStatus(run.status)) return { run, outcome: "already_finished" as const }
          const finished = entry ? yield* Deferred.await(entry.finished) : null
          if (finished) return { run: finished, outcome: "already_finished" as const }
          return yield* cancelElsewhere(runs, get, id)
        }
        let first = true
        if (entry.state === "queued") yield* complete(id, entry, "canceled")
        else first = yield* Deferred.succeed(entry.cancel, undefined)
        const finished = yield* Deferred.await(entry.finished)
        return { run: finished, outcome: first && finished.status === "canceled" ? ("canceled" as const) : ("already_finished" as const) }
      }),
    await: (id) =>
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
    queueDepth: Effect.sync(() => {
      let queued = 0
      let running = 0
      for (const e of entries.values()) e.state === "queued" ? queued++ : e.state === "running" && running++
      return { queued, running }
    })
  }
  const localRuns = () => [...entries].filter(([, e]) => e.state !== "done").map(([id]) => id)
  yield* Effect.forkScoped(watchCancelRequests(runs, localRuns, service.cancel))
  return service
})

/** The Executor: a FIFO queue drained by `concurrency` fibers, each running one tool in its own worker thread. */
export const ExecutorLive: Layer.Layer<Executor, CtsError, CtsConfig | ToolRegistry | ToolSources | RunStore | ArtifactStore | ArtifactFiles | LogStream> =
  Layer.scoped(Executor, make)
