import { Cause, Chunk, Effect, Exit, Option, Scope, Stream } from "effect"
import type { ArtifactStoreService } from "../artifacts/artifact-store.js"
import { ValidationError, type CtsError } from "../errors.js"
import { concatBytes } from "../util/concat-bytes.js"
import type { ReadArtifactInput } from "./run-input.js"
import type { ArtifactWorkerInput, WorkerInput } from "./worker-protocol.js"

/** Serves positional reads of a run's artifact inputs from the ArtifactStore. */
export interface ArtifactInputReads {
  /** Up to `length` bytes of input `index` from `offset` (fewer only at the artifact's end), in a buffer of its own. */
  readonly read: (index: number, offset: number, length: number) => Effect.Effect<Uint8Array, CtsError>
}

const gone = (input: ArtifactWorkerInput, e: CtsError) =>
  new ValidationError({
    code: "input_changed",
    message: `Input ${JSON.stringify(input.name)} changed after the run was submitted: artifact ${input.id} is no longer in the store (${e.message})`,
    suggestedAction: "Keep input artifacts until their runs finish, then submit again",
    details: { input: input.name, artifactId: input.id }
  })

const notArtifact = (index: number) =>
  new ValidationError({ code: "invalid_input", message: `Input ${index} of the run is not an artifact input`, details: { index } })

interface Open {
  readonly scope: Scope.CloseableScope
  readonly pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<CtsError>>
  position: number
  pending: Uint8Array
  ended: boolean
}

/**
 * One input's reader: keeps one open stream from the store and continues it while reads are
 * sequential, so a pass over the input is one `get` (one GET on S3) however small the reads; a read
 * at another offset (a re-read from 0, a seek) closes it and opens a ranged `get` there. Holds at most
 * one stream chunk beyond what was asked. The stream is closed with the enclosing scope.
 */
const makeReader = (store: ArtifactStoreService, input: ArtifactWorkerInput) =>
  Effect.gen(function* () {
    let current: Open | null = null
    const closeCurrent = Effect.suspend(() => {
      const open = current
      current = null
      return open ? Scope.close(open.scope, Exit.void) : Effect.void
    })
    yield* Effect.addFinalizer(() => closeCurrent)

    const openAt = (offset: number) =>
      Effect.gen(function* () {
        yield* closeCurrent
        const scope = yield* Scope.make()
        const opened = yield* store.get(input.id, { start: offset, end: input.size - 1 }).pipe(
          Effect.catchIf(
            e => e.code === "artifact_not_found",
            e => Effect.fail(gone(input, e))
          ),
          Effect.flatMap(({ body }) => Scope.extend(Stream.toPull(body), scope)),
          Effect.onError(() => Scope.close(scope, Exit.void))
        )
        const open: Open = { scope, pull: opened, position: offset, pending: new Uint8Array(0), ended: false }
        current = open
        return open
      })

    return (offset: number, length: number): Effect.Effect<Uint8Array, CtsError> =>
      Effect.gen(function* () {
        const want = Math.max(0, Math.min(length, input.size - offset))
        if (want === 0) return new Uint8Array(0)
        const open = current !== null && current.position === offset ? current : yield* openAt(offset)
        const out = new Uint8Array(want)
        let filled = 0
        while (filled < want) {
          if (open.pending.byteLength === 0) {
            if (open.ended) break
            const next = yield* open.pull.pipe(
              Effect.map(Option.some),
              Effect.catchAll(e => (Option.isNone(e) ? Effect.succeed(Option.none()) : Effect.fail(e.value)))
            )
            if (Option.isNone(next)) {
              open.ended = true
              break
            }
            open.pending = concatChunk(next.value)
            continue
          }
          const n = Math.min(want - filled, open.pending.byteLength)
          out.set(open.pending.subarray(0, n), filled)
          open.pending = open.pending.subarray(n)
          filled += n
        }
        open.position += filled
        return filled === want ? out : out.slice(0, filled)
      }).pipe(
        // A failed stream is never continued: the next read opens a fresh one.
        Effect.tapError(() => closeCurrent)
      )
  })

const concatChunk = (chunk: Chunk.Chunk<Uint8Array>): Uint8Array => (chunk.length === 1 ? Chunk.unsafeGet(chunk, 0) : concatBytes(Chunk.toReadonlyArray(chunk)))

/**
 * Readers for the artifact inputs among `inputs`, each made on its first read and closed with the
 * scope. Reads of one input are served one at a time, in order.
 */
export const makeArtifactInputReads = (
  store: ArtifactStoreService,
  inputs: ReadonlyArray<WorkerInput>
): Effect.Effect<ArtifactInputReads, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const readers = new Map<number, { readonly lock: Effect.Semaphore; read?: (offset: number, length: number) => Effect.Effect<Uint8Array, CtsError> }>()
    const read = (index: number, offset: number, length: number): Effect.Effect<Uint8Array, CtsError> =>
      Effect.suspend(() => {
        const input = inputs[index]
        if (input?.kind !== "artifact") return Effect.fail(notArtifact(index))
        let entry = readers.get(index)
        if (!entry) readers.set(index, (entry = { lock: Effect.unsafeMakeSemaphore(1) }))
        const slot = entry
        return slot.lock.withPermits(1)(
          Effect.suspend(() => {
            if (slot.read) return slot.read(offset, length)
            return Effect.flatMap(Scope.extend(makeReader(store, input), scope), reader => ((slot.read = reader), reader(offset, length)))
          })
        )
      })
    return { read }
  })

/** The reads as a Promise function for code on this thread (the in-process runner, input prechecks); failures reject with the typed error itself. */
export const readArtifactInputPromise =
  (reads: ArtifactInputReads): ReadArtifactInput =>
  (index, offset, length) =>
    Effect.runPromiseExit(reads.read(index, offset, length)).then(exit => (Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause))))
