import { createInterface } from "node:readline"
import type { Readable } from "node:stream"
import { Deferred, Effect, Exit, Queue, Stream } from "effect"
import type { ArtifactMeta, ArtifactStoreService } from "../artifacts/artifact-store.js"
import { isSafeName } from "../artifacts/artifact-keys.js"
import { ToolError } from "../errors.js"
import type { LogData, LogLevel } from "../tools/define-tool.js"
import { makeArtifactInputReads } from "./artifact-input-reads.js"
import type { WorkerPool } from "./worker-pool.js"
import { toWireError, type FromWorker, type ToWorker, type WireError, type WorkerJob } from "./worker-protocol.js"

/** How a worker run ended. */
export type WorkerOutcome =
  | { readonly _tag: "completed"; readonly summary: Record<string, unknown> }
  | { readonly _tag: "failed"; readonly error: WireError }
  | { readonly _tag: "stopped"; readonly reason: "canceled" | "timeout"; readonly summary?: Record<string, unknown> }

/** Callbacks into the executor while the worker runs. */
export interface WorkerHooks {
  readonly log: (level: LogLevel, source: "tool" | "console", message: string, data?: LogData) => Effect.Effect<void>
  readonly progress: (fraction: number, note?: string) => Effect.Effect<void>
  readonly artifactStored: (meta: ArtifactMeta) => Effect.Effect<void>
  /** Input `index` (a path input) has been hashed to its end in the worker. */
  readonly inputHashed: (index: number, sha256: string) => Effect.Effect<void>
}

export interface WorkerRunOptions {
  readonly job: WorkerJob
  readonly timeoutMs: number
  /** Completed by `cancel`. */
  readonly cancel: Deferred.Deferred<void>
  readonly hooks: WorkerHooks
  readonly store: ArtifactStoreService
  readonly pool: WorkerPool
  /** Grace after a stop (default `STOP_GRACE_MS`); when given, log lines and the summary of a tool finishing within it are kept. */
  readonly stopGraceMs?: number
}

/** One tool run to execute: the job (plain data), its timeout, its cancel signal and where its events go. */
export type ToolRun = Omit<WorkerRunOptions, "store" | "pool">

/** Time a worker gets to stop cooperatively after an abort before it is terminated. */
export const STOP_GRACE_MS = 300

/** Longest a worker may take to load its tool before the run counts as timed out. */
export const WORKER_START_LIMIT_MS = 60_000

type Incoming = FromWorker | { readonly type: "crash"; readonly message: string } | { readonly type: "exit"; readonly code: number }
type WriteItem = { readonly chunk: Uint8Array } | { readonly end: true; readonly metadata?: Record<string, unknown> } | { readonly abort: string }

const pipeLines = (stream: Readable | null, onLine: (line: string) => void) => {
  if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on("line", onLine)
}

/**
 * Runs one job in a fresh worker thread from the pool. Artifact bytes stream back through the ArtifactStore
 * with a credit window. The timeout counts from the tool's start (after its module loaded); cancel or timeout aborts the tool's signal, waits `STOP_GRACE_MS`, then
 * terminates the thread. Unfinished artifact writes are discarded when the worker goes away.
 */
export const runInWorker = (options: WorkerRunOptions): Effect.Effect<WorkerOutcome> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { job, hooks, store } = options
      const acquired = yield* Effect.either(options.pool.acquire)
      if (acquired._tag === "Left") return { _tag: "failed", error: toWireError(acquired.left) } as const
      const worker = acquired.right
      const inbox = yield* Queue.unbounded<Incoming>()
      const exited = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      worker.on("message", (m: FromWorker) => Queue.unsafeOffer(inbox, m))
      worker.on("error", e => Queue.unsafeOffer(inbox, { type: "crash", message: e instanceof Error ? e.message : String(e) }))
      worker.on("exit", code => {
        Queue.unsafeOffer(inbox, { type: "exit", code })
        Deferred.unsafeDone(exited, Exit.void)
      })
      const consoleLine = (level: LogLevel) => (message: string) => Queue.unsafeOffer(inbox, { type: "log", level, source: "console", message })
      pipeLines(worker.stdout, consoleLine("info"))
      pipeLines(worker.stderr, consoleLine("warn"))
      worker.postMessage({ type: "start", job } satisfies ToWorker)

      const post = (m: ToWorker) => Effect.sync(() => worker.postMessage(m))
      const inputReads = yield* makeArtifactInputReads(store, job.inputs)
      /** Serves one `input-read` of the worker from the store, beside the message loop (reads of one input queue up in order). */
      const serveRead = (msg: Extract<FromWorker, { type: "input-read" }>) =>
        Effect.forkScoped(
          inputReads.read(msg.index, msg.offset, msg.length).pipe(
            Effect.matchEffect({
              onSuccess: chunk =>
                Effect.sync(() => worker.postMessage({ type: "input-data", readId: msg.readId, chunk } satisfies ToWorker, [chunk.buffer as ArrayBuffer])),
              onFailure: e => post({ type: "input-error", readId: msg.readId, error: toWireError(e) })
            })
          )
        )
      const writes = new Map<number, Queue.Queue<WriteItem> | null>()

      const openWrite = (msg: Extract<FromWorker, { type: "artifact-open" }>) =>
        Effect.gen(function* () {
          if (!isSafeName(msg.name)) {
            writes.set(msg.writeId, null)
            const error = new ToolError({
              code: "invalid_artifact_name",
              message: `Artifact name ${JSON.stringify(msg.name)} is not a safe file name`,
              suggestedAction: "Use a single name of letters, digits and ._+=@,()- (no '/', no leading dot)"
            })
            return yield* post({ type: "artifact-failed", writeId: msg.writeId, error: toWireError(error) })
          }
          const queue = yield* Queue.unbounded<WriteItem>()
          writes.set(msg.writeId, queue)
          let metadata = msg.metadata
          const body = Stream.fromQueue(queue).pipe(
            Stream.takeWhile(item => {
              if ("end" in item && item.metadata) metadata = item.metadata
              return !("end" in item)
            }),
            Stream.mapEffect(item =>
              "abort" in item
                ? Effect.fail(new ToolError({ code: "artifact_aborted", message: `Writing ${msg.name} failed in the tool: ${item.abort}` }))
                : Effect.as(post({ type: "artifact-ack", writeId: msg.writeId }), (item as { chunk: Uint8Array }).chunk)
            )
          )
          const spec = {
            key: `runs/${job.runId}/${msg.name}`,
            name: msg.name,
            contentType: msg.contentType,
            runId: job.runId,
            get metadata() {
              return metadata
            }
          }
          yield* Effect.forkScoped(
            store.put(spec, body).pipe(
              Effect.tap(hooks.artifactStored),
              Effect.matchEffect({
                onSuccess: meta => post({ type: "artifact-done", writeId: msg.writeId, meta }),
                onFailure: e => post({ type: "artifact-failed", writeId: msg.writeId, error: toWireError(e) })
              })
            )
          )
        })

      const offerWrite = (writeId: number, item: WriteItem) => {
        const queue = writes.get(writeId)
        if (queue) Queue.unsafeOffer(queue, item)
        if (queue && !("chunk" in item)) writes.delete(writeId)
      }

      let stopReason: "canceled" | "timeout" | null = null
      const graceful = options.stopGraceMs !== undefined
      const settle = (outcome: WorkerOutcome): WorkerOutcome =>
        stopReason ? { _tag: "stopped", reason: stopReason, ...(graceful && outcome._tag === "completed" ? { summary: outcome.summary } : {}) } : outcome

      const loop = Effect.gen(function* () {
        for (;;) {
          const msg = yield* Queue.take(inbox)
          switch (msg.type) {
            case "started":
              yield* Deferred.succeed(started, undefined)
              break
            case "log":
              if (!stopReason || graceful) yield* hooks.log(msg.level, msg.source, msg.message, msg.data)
              break
            case "progress":
              if (!stopReason) yield* hooks.progress(msg.fraction, msg.note)
              break
            case "artifact-open":
              yield* openWrite(msg)
              break
            case "artifact-chunk":
              offerWrite(msg.writeId, { chunk: msg.chunk })
              break
            case "artifact-close":
              offerWrite(msg.writeId, { end: true, ...(msg.metadata ? { metadata: msg.metadata } : {}) })
              break
            case "input-read":
              yield* serveRead(msg)
              break
            case "input-hashed":
              yield* hooks.inputHashed(msg.index, msg.sha256)
              break
            case "artifact-abort":
              offerWrite(msg.writeId, { abort: msg.message })
              break
            case "done":
              return settle({ _tag: "completed", summary: msg.summary })
            case "failed":
              return settle({ _tag: "failed", error: msg.error })
            case "crash":
            case "exit":
              return settle({
                _tag: "failed",
                error: {
                  _tag: "ToolError",
                  code: "worker_crashed",
                  message: msg.type === "crash" ? `The tool's worker crashed: ${msg.message}` : `The tool's worker exited (code ${msg.code}) before finishing`,
                  suggestedAction: "Check the run log; the input may be too large for the worker's memory"
                }
              })
          }
        }
      })

      const stop = Effect.raceFirst(
        Effect.as(Deferred.await(options.cancel), "canceled" as const),
        Effect.as(
          Effect.flatMap(Effect.option(Effect.timeout(Deferred.await(started), WORKER_START_LIMIT_MS)), ready =>
            ready._tag === "Some" ? Effect.sleep(options.timeoutMs) : Effect.void
          ),
          "timeout" as const
        )
      ).pipe(
        Effect.tap(reason => Effect.sync(() => (stopReason = reason))),
        Effect.tap(reason => Effect.ignore(post({ type: "abort", reason }))),
        Effect.tap(() => Effect.ignore(Effect.timeout(Deferred.await(exited), options.stopGraceMs ?? STOP_GRACE_MS))),
        Effect.map((reason): WorkerOutcome => ({ _tag: "stopped", reason }))
      )
      return yield* Effect.raceFirst(loop, stop)
    })
  )
