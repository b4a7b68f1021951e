import { createHash } from "node:crypto"
import { Readable } from "node:stream"
import { Effect, Layer, Stream } from "effect"
import { SystemError, type CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { ArtifactStore, type ArtifactMeta, type ArtifactStoreService } from "./artifact-store.js"
import { rangeError } from "./artifact-range.js"
import { freeArtifactKey, newArtifactMeta, statArtifact } from "./new-artifact-meta.js"
import { bundledArtifacts } from "./run-artifacts.js"
import { SignedLinks } from "./signed-links.js"
import { zipStream } from "./zip-stream.js"

/** Bytes per chunk a memory artifact is read in. */
const CHUNK_BYTES = 64 * 1024

/** The bytes of memory artifacts by key; several `layerMemory` stores over one map share their artifacts. */
export type MemoryArtifactBytes = Map<string, Uint8Array>

/** Options of the memory ArtifactStore layer. */
export interface MemoryArtifactStoreOptions {
  /** Where the bytes live (default: a new, empty map per layer build). */
  readonly bytes?: MemoryArtifactBytes
}

const missing = (meta: ArtifactMeta) =>
  new SystemError({
    code: "artifact_missing",
    message: `The bytes of artifact ${meta.id} (${meta.name}) are missing from the memory store`,
    suggestedAction: "Re-run the tool"
  })

/** The memory store's service over `bytes`, with metadata in `runs`. */
const makeMemoryArtifactStore = (bytes: MemoryArtifactBytes) =>
  Effect.gen(function* () {
    const runs = yield* RunStore
    const links = yield* SignedLinks
    const stat_ = (id: string) => statArtifact(runs, id)
    const bytesOf = (meta: ArtifactMeta) => {
      const body = bytes.get(meta.key)
      return body ? Effect.succeed(body) : Effect.fail(missing(meta))
    }
    const located = (id: string, range?: { readonly start: number; readonly end: number }) =>
      Effect.gen(function* () {
        const meta = yield* stat_(id)
        const bad = rangeError(meta, range)
        if (bad) return yield* bad
        const all = yield* bytesOf(meta)
        return { meta, body: range ? all.subarray(range.start, range.end + 1) : all }
      })
    const chunks = (body: Uint8Array): Stream.Stream<Uint8Array, CtsError> =>
      Stream.fromIterable(Array.from({ length: Math.ceil(body.byteLength / CHUNK_BYTES) }, (_, i) => body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)))

    const service: ArtifactStoreService = {
      put: (spec, body) =>
        Effect.gen(function* () {
          const key = yield* freeArtifactKey(runs, spec.key)
          const parts = yield* Stream.runCollect(body)
          const all = Buffer.concat([...parts])
          const meta = newArtifactMeta(spec, key, all.byteLength, createHash("sha256").update(all).digest("hex"))
          bytes.set(key, new Uint8Array(all))
          yield* runs.insertArtifact(meta).pipe(Effect.tapError(() => Effect.sync(() => bytes.delete(key))))
          return meta
        }),
      get: (id, range) => Effect.map(located(id, range), ({ meta, body }) => ({ meta, body: chunks(body) })),
      openRead: (id, range) => Effect.map(located(id, range), ({ meta, body }) => ({ meta, body: Readable.from([Buffer.from(body)]) })),
      stat: stat_,
      list: query => runs.listArtifacts(query),
      delete: id =>
        Effect.gen(function* () {
          const meta = yield* stat_(id)
          bytes.delete(meta.key)
          yield* runs.deleteArtifact(id)
        }),
      signUrl: (id, ttlSeconds) => Effect.tap(links.signArtifact(id, ttlSeconds), () => stat_(id)),
      verifyToken: links.verifyArtifact,
      ping: Effect.void,
      bundle: runId =>
        Stream.unwrap(
          Effect.gen(function* () {
            const metas = yield* bundledArtifacts(runs, runId)
            const entries = yield* Effect.forEach(metas, meta => Effect.map(bytesOf(meta), body => ({ meta, body })))
            return zipStream(
              entries.map(({ meta, body }) => ({
                name: meta.name,
                size: meta.size,
                mtime: new Date(meta.createdAt),
                open: async () => Readable.from([Buffer.from(body)])
              }))
            )
          })
        )
    }
    return service
  })

/**
 * ArtifactStore in memory: bytes in a map, metadata in the RunStore; no file at all. For tests of the
 * core (with `RunStore` `layerMemory`) and as a `makeCtsLayer` override (`artifactStore`).
 */
export const layerMemory = (options: MemoryArtifactStoreOptions = {}): Layer.Layer<ArtifactStore, never, RunStore | SignedLinks> =>
  Layer.effect(
    ArtifactStore,
    Effect.suspend(() => makeMemoryArtifactStore(options.bytes ?? new Map()))
  )
