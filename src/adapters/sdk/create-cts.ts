import path from "node:path"
import { Chunk, Effect, ManagedRuntime, Option, Stream } from "effect"
import { ArtifactStore, type ArtifactMeta, type ArtifactPage, type ByteRange } from "../../core/artifacts/artifact-store.js"
import { listAllArtifacts } from "../../core/artifacts/run-artifacts.js"
import { safeFileName } from "../../core/artifacts/artifact-keys.js"
import { fileStream } from "../../core/artifacts/local-artifact-store.js"
import { Retention, type SweepReport } from "../../core/artifacts/retention.js"
import { CtsConfig } from "../../core/config.js"
import { isCtsError, SystemError, ValidationError, type CtsError } from "../../core/errors.js"
import { Executor, type CancelOutcome, type InputRef, type RunQuery, type RunRecord } from "../../core/executor/executor.js"
import { resolveInputPath } from "../../core/executor/input-resolver.js"
import { LogStream, type RunEvent } from "../../core/run-events/log-stream.js"
import { makeCtsLayer, type CtsLayerOptions, type CtsLayerOverrides, type CtsServices } from "../../core/runtime.js"
import { withErrorHint, withRunHint } from "../../core/hints.js"
import { sdkHints } from "./sdk-hints.js"
import { errorOfCause, iterateStream, runOrThrow, toWebStream } from "./effect-bridge.js"
import { contentTypeFor } from "./content-types.js"
import { storeUpload } from "../../core/artifacts/uploads.js"
import { describeCapabilities, type CtsCapabilities } from "../../core/capabilities.js"

export type { CtsCapabilities } from "../../core/capabilities.js"

/** A run input: a path, several paths/refs (read in order), or an explicit reference (`{ type: "artifact", id }` for uploads). */
export type InputSpec = string | InputRef | ReadonlyArray<string | InputRef>

export interface SubmitOptions {
  readonly input: InputSpec
  readonly params?: Record<string, unknown>
  readonly name?: string
  readonly timeoutMs?: number
  readonly owner?: string
}

/** Bytes to upload: a local file path, a buffer, a web ReadableStream or any async iterable of bytes. */
export type UploadSource = string | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** What this cts-lite instance offers. */
/** A long-lived cts-lite client: every method rejects with a typed CtsError (ValidationError | ToolError | SystemError). */
export interface CtsClient {
  /** Validates tool, params and inputs, then queues the run. */
  readonly submit: (toolId: string, options: SubmitOptions) => Promise<RunRecord>
  readonly get: (runId: string) => Promise<RunRecord>
  readonly list: (query?: RunQuery) => Promise<{ readonly items: ReadonlyArray<RunRecord>; readonly nextCursor: string | null }>
  /** Stops a queued or running run (the tool stops within a second). */
  readonly cancel: (runId: string) => Promise<CancelOutcome>
  /** Resolves when the run is completed, failed or canceled. */
  readonly wait: (runId: string) => Promise<RunRecord>
  /** The run's events with seq > `after`; with `follow` it continues live and ends after the `end` event. */
  readonly logs: (runId: string, options?: { readonly after?: number; readonly follow?: boolean }) => AsyncIterable<RunEvent>
  /** Every artifact a run produced, in creation order. */
  readonly artifacts: (runId: string) => Promise<ReadonlyArray<ArtifactMeta>>
  /** One page of artifacts by key prefix (e.g. `uploads/`) and/or run id. */
  readonly listArtifacts: (query: {
    readonly prefix?: string
    readonly runId?: string
    readonly cursor?: string
    readonly limit?: number
  }) => Promise<ArtifactPage>
  readonly artifact: (artifactId: string) => Promise<ArtifactMeta>
  /** An artifact's bytes (optionally an inclusive byte range); rejects before streaming when missing or out of range. */
  readonly download: (
    artifactId: string,
    options?: { readonly range?: ByteRange }
  ) => Promise<{ readonly meta: ArtifactMeta; readonly body: ReadableStream<Uint8Array> }>
  /** A run's artifacts as a ZIP, produced while it is read. */
  readonly bundle: (runId: string) => Promise<ReadableStream<Uint8Array>>
  /** Stores bytes as an artifact under `uploads/` (run id null); use it as an input with `{ type: "artifact", id }`. */
  readonly upload: (
    source: UploadSource,
    name?: string,
    options?: { readonly contentType?: string; readonly metadata?: Record<string, unknown> }
  ) => Promise<ArtifactMeta>
  /** A signed, expiring download token for an artifact (default 1 hour). */
  readonly signUrl: (artifactId: string, ttlSeconds?: number) => Promise<{ readonly token: string; readonly expiresAt: string }>
  /** The artifact id a token was signed for; rejects `invalid_token` or `token_expired`. */
  readonly verifyToken: (token: string) => Promise<string>
  readonly capabilities: () => Promise<CtsCapabilities>
  /** Deletes artifacts older than the retention period now. */
  readonly sweep: () => Promise<SweepReport>
  /** Stops running tools (their runs are marked `interrupted`) and releases the database. */
  readonly close: () => Promise<void>
  /** The Effect runtime behind the client, for Effect users. */
  readonly runtime: ManagedRuntime.ManagedRuntime<CtsServices, CtsError>
}

/** Options of `createCts`: config values (else `CTS_*` env vars, else defaults) and extra tool modules. */
export type CreateCtsOptions = CtsLayerOptions

const toInputRefs = (input: InputSpec): InputRef | ReadonlyArray<InputRef> => {
  const one = (i: string | InputRef): InputRef => (typeof i === "string" ? { type: "path", path: i } : i)
  return typeof input === "string" || !Array.isArray(input) ? one(input as string | InputRef) : (input as ReadonlyArray<string | InputRef>).map(one)
}

const uploadStream = (source: UploadSource): Effect.Effect<Stream.Stream<Uint8Array, CtsError>, CtsError, CtsConfig> => {
  const streamError = (e: unknown) =>
    new SystemError({ code: "upload_failed", message: `Reading the upload failed: ${e instanceof Error ? e.message : String(e)}` })
  if (typeof source === "string") {
    return Effect.flatMap(CtsConfig, c => Effect.map(resolveInputPath(source, c.inputRoots), file => fileStream(file)))
  }
  if (source instanceof Uint8Array) return Effect.succeed(Stream.make(source))
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    return Effect.succeed(Stream.fromReadableStream(() => source as ReadableStream<Uint8Array>, streamError))
  }
  if (source && typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") {
    return Effect.succeed(Stream.fromAsyncIterable(source as AsyncIterable<Uint8Array>, streamError))
  }
  return Effect.fail(
    new ValidationError({ code: "invalid_upload", message: "upload() takes a file path, a Uint8Array, a ReadableStream or an async iterable of bytes" })
  )
}

/**
 * Starts a cts-lite core in this process (one ManagedRuntime over `makeCtsLayer`) and returns a
 * Promise-based client; `overrides` replaces ports' layers as `makeCtsLayer` does (e.g. the memory ArtifactStore).
 */
export const createCts = async (options: CreateCtsOptions = {}, overrides: CtsLayerOverrides = {}): Promise<CtsClient> => {
  const runtime = ManagedRuntime.make(makeCtsLayer(options, overrides))
  const started = await runtime.runPromiseExit(Effect.void)
  if (started._tag === "Failure") {
    await runtime.dispose().catch(() => undefined)
    throw errorOfCause(started.cause)
  }
  let closed = false
  const run = <A>(effect: Effect.Effect<A, CtsError, CtsServices>): Promise<A> =>
    closed
      ? Promise.reject(new SystemError({ code: "client_closed", message: "This cts-lite client was closed" }))
      : runOrThrow(runtime, effect).catch((e: unknown) => Promise.reject(isCtsError(e) ? withErrorHint(sdkHints, e) : e))
  const sdkRun = (record: RunRecord) => withRunHint(sdkHints, record)

  const runExists = (runId: string) => Effect.flatMap(Executor, e => e.get(runId))

  const allArtifacts = (runId: string) =>
    Effect.gen(function* () {
      yield* runExists(runId)
      const items = yield* listAllArtifacts((yield* ArtifactStore).list, runId)
      return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    })

  const pagedRead = (runId: string, after: number): Stream.Stream<RunEvent, CtsError, CtsServices> =>
    Stream.paginateChunkEffect(after, cursor =>
      Effect.map(
        Effect.flatMap(LogStream, l => l.read(runId, cursor, 500)),
        page => [Chunk.fromIterable(page), page.length === 500 ? Option.some(page[page.length - 1]!.seq) : Option.none<number>()] as const
      )
    )

  const client: CtsClient = {
    submit: (toolId, o) =>
      run(
        Effect.flatMap(Executor, e =>
          Effect.map(
            e.submit({
              toolId,
              input: toInputRefs(o?.input as InputSpec),
              ...(o?.params ? { params: o.params } : {}),
              ...(o?.name !== undefined ? { name: o.name } : {}),
              ...(o?.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
              ...(o?.owner !== undefined ? { owner: o.owner } : {})
            }),
            sdkRun
          )
        )
      ),
    get: id => run(Effect.map(runExists(id), sdkRun)),
    list: (query = {}) => run(Effect.flatMap(Executor, e => Effect.map(e.list(query), page => ({ ...page, items: page.items.map(sdkRun) })))),
    cancel: id => run(Effect.flatMap(Executor, e => e.cancel(id))),
    wait: id => run(Effect.flatMap(Executor, e => Effect.map(e.await(id), sdkRun))),
    logs: (id, o = {}) =>
      iterateStream(
        runtime,
        Stream.unwrap(
          Effect.map(
            runExists(id),
            (): Stream.Stream<RunEvent, CtsError, CtsServices> =>
              o.follow ? Stream.unwrap(Effect.map(LogStream, l => l.subscribe(id, o.after ?? 0))) : pagedRead(id, o.after ?? 0)
          )
        )
      ),
    artifacts: runId => run(allArtifacts(runId)),
    listArtifacts: query => run(Effect.flatMap(ArtifactStore, s => s.list(query))),
    artifact: id => run(Effect.flatMap(ArtifactStore, s => s.stat(id))),
    download: async (id, o = {}) => {
      const { meta, body } = await run(Effect.flatMap(ArtifactStore, s => s.get(id, o.range)))
      return { meta, body: toWebStream(iterateStream(runtime, body)) }
    },
    bundle: async runId => {
      await run(runExists(runId))
      return toWebStream(iterateStream(runtime, Stream.unwrap(Effect.map(ArtifactStore, s => s.bundle(runId)))))
    },
    upload: (source, name, o = {}) =>
      run(
        Effect.gen(function* () {
          const given = name ?? (typeof source === "string" ? safeFileName(path.basename(source), "upload.bin") : "upload.bin")
          const body = yield* uploadStream(source)
          return yield* storeUpload(
            { name: given, declaredContentType: o.contentType ?? contentTypeFor(given), metadata: { originalName: given, ...o.metadata } },
            Stream.toAsyncIterable(body)
          )
        })
      ),
    signUrl: (id, ttlSeconds = 3600) => run(Effect.flatMap(ArtifactStore, s => s.signUrl(id, ttlSeconds))),
    verifyToken: token => run(Effect.flatMap(ArtifactStore, s => s.verifyToken(token))),
    capabilities: () => run(describeCapabilities),
    sweep: () => run(Effect.flatMap(Retention, r => r.sweep)),
    close: async () => {
      if (closed) return
      closed = true
      await runtime.dispose()
    },
    runtime
  }
  return client
}
