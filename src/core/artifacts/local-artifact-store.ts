import { createHash } from "node:crypto"
import { link, mkdir, open, readdir, realpath, rmdir, stat, unlink } from "node:fs/promises"
import path from "node:path"
import { Effect, Layer, Stream } from "effect"
import { CtsConfig } from "../config.js"
import { SystemError, ValidationError, type CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { newId } from "../store/ids.js"
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../util/private-files.js"
import { ArtifactStore, type ArtifactMeta, type ArtifactStoreService, type ByteRange } from "./artifact-store.js"
import { freeArtifactKey, newArtifactMeta, statArtifact } from "./new-artifact-meta.js"
import { rangeError } from "./artifact-range.js"
import { SignedLinks } from "./signed-links.js"
import { fileReadStream, fileStream } from "./file-read.js"
import { fsError } from "./fs-errors.js"
import { bundledArtifacts } from "./run-artifacts.js"
import { claimTempDir } from "./temp-owner.js"
import { zipStream } from "./zip-stream.js"

const attempt = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fsError(what) })

export { fileStream } from "./file-read.js"

const make = Effect.gen(function* () {
  const config = yield* CtsConfig
  const links = yield* SignedLinks
  const runs = yield* RunStore
  const root = path.join(config.dataDir, "artifacts")
  yield* attempt("Creating the artifact store", async () => ensurePrivateDir(root))
  const tmpRoot = yield* claimTempDir(path.join(config.dataDir, "artifacts-tmp"))
  const realRoot = yield* attempt("Resolving the artifact store", () => realpath(root))

  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + path.sep)
  const fileOf = (key: string) => path.join(realRoot, ...key.split("/"))
  const checkInside = (dir: string) =>
    attempt("Resolving an artifact directory", () => realpath(dir)).pipe(
      Effect.filterOrFail(inside, () => new ValidationError({ code: "invalid_key", message: "Artifact key resolves outside the store (symbolic link)" }))
    )

  const stat_ = (id: string) => statArtifact(runs, id)

  const existingFile = (meta: ArtifactMeta) => {
    const file = fileOf(meta.key)
    return checkInside(path.dirname(file)).pipe(
      Effect.zipRight(attempt("Reading an artifact", () => stat(file))),
      Effect.as(file),
      Effect.catchTag("SystemError", e =>
        Effect.fail(
          new SystemError({
            code: "artifact_missing",
            message: `The bytes of artifact ${meta.id} (${meta.name}) are missing from the store`,
            suggestedAction: "The artifact was removed outside cts-lite; re-run the tool",
            details: e.details
          })
        )
      )
    )
  }

  /** The artifact and its file, once the range (if any) is checked against its size. */
  const located = (id: string, range?: ByteRange) =>
    Effect.gen(function* () {
      const meta = yield* stat_(id)
      const badRange = rangeError(meta, range)
      if (badRange) return yield* badRange
      return { meta, file: yield* existingFile(meta) }
    })

  const removeFile = (key: string) =>
    Effect.gen(function* () {
      const file = fileOf(key)
      yield* checkInside(path.dirname(file))
      yield* attempt("Deleting an artifact", () => unlink(file)).pipe(
        Effect.catchIf(
          e => (e.details as { errno?: string })?.errno === "ENOENT",
          () => Effect.void
        )
      )
      let dir = path.dirname(file)
      while (dir !== realRoot && inside(dir)) {
        const removed = yield* Effect.promise(() =>
          rmdir(dir).then(
            () => true,
            () => false
          )
        )
        if (!removed) break
        dir = path.dirname(dir)
      }
    })

  const service: ArtifactStoreService = {
    put: (spec, body) =>
      Effect.gen(function* () {
        const key = yield* freeArtifactKey(runs, spec.key)
        const tmp = path.join(tmpRoot, newId("art"))
        const hash = createHash("sha256")
        let size = 0
        const write = Effect.acquireUseRelease(
          attempt("Creating an artifact", () => open(tmp, "wx", PRIVATE_FILE_MODE)),
          fh =>
            Stream.runForEach(body, chunk =>
              Effect.suspend(() => {
                hash.update(chunk)
                size += chunk.byteLength
                return attempt("Writing an artifact", () => fh.write(chunk))
              })
            ).pipe(Effect.zipRight(attempt("Flushing an artifact", () => fh.sync()))),
          fh => Effect.promise(() => fh.close())
        )
        const final = fileOf(key)
        const commit = Effect.gen(function* () {
          yield* attempt("Creating an artifact directory", () => mkdir(path.dirname(final), { recursive: true, mode: PRIVATE_DIR_MODE }))
          yield* checkInside(path.dirname(final))
          yield* attempt("Storing an artifact", () => link(tmp, final)).pipe(
            Effect.catchIf(
              e => (e.details as { errno?: string })?.errno === "EEXIST",
              () => new ValidationError({ code: "artifact_exists", message: `An artifact with key ${JSON.stringify(key)} already exists` })
            )
          )
        })
        yield* Effect.ensuring(
          Effect.zipRight(write, commit),
          Effect.promise(() => unlink(tmp).catch(() => undefined))
        )
        const meta = newArtifactMeta(spec, key, size, hash.digest("hex"))
        yield* runs.insertArtifact(meta).pipe(Effect.tapError(() => Effect.promise(() => unlink(final).catch(() => undefined))))
        return meta
      }),

    get: (id, range) => Effect.map(located(id, range), ({ meta, file }) => ({ meta, body: fileStream(file, range) })),

    openRead: (id, range) => Effect.map(located(id, range), ({ meta, file }) => ({ meta, body: fileReadStream(file, range) })),

    stat: stat_,

    list: query => runs.listArtifacts(query),

    delete: id =>
      Effect.gen(function* () {
        const meta = yield* stat_(id)
        yield* removeFile(meta.key)
        yield* runs.deleteArtifact(id)
      }),

    signUrl: (id, ttlSeconds) => Effect.tap(links.signArtifact(id, ttlSeconds), () => stat_(id)),

    verifyToken: links.verifyArtifact,

    ping: Effect.asVoid(attempt("Reading the artifact store", () => stat(realRoot))),

    bundle: runId =>
      Stream.unwrap(
        Effect.gen(function* () {
          const metas = yield* bundledArtifacts(runs, runId)
          const entries = yield* Effect.forEach(metas, meta => Effect.map(existingFile(meta), file => ({ meta, file })))
          return zipStream(entries.map(({ meta, file }) => ({ name: meta.name, file, size: meta.size, mtime: new Date(meta.createdAt) })))
        })
      )
  }

  return service
})

/**
 * ArtifactStore on the local file system under `<dataDir>/artifacts`, metadata in the RunStore.
 * Writes in progress live in this instance's own `artifacts-tmp/<pid>.<instance>/`, which no other
 * process removes while this one is alive.
 */
export const ArtifactStoreLocal: Layer.Layer<ArtifactStore, CtsError, CtsConfig | RunStore | SignedLinks> = Layer.scoped(ArtifactStore, make)

/** The local ArtifactStore layer (`ArtifactStoreLocal`), under the Effect naming used for every port's layers. */
export const layerLocal = ArtifactStoreLocal

/** Temp files being written under `<dataDir>/artifacts-tmp`, as `<owner dir>/<file>` (owner records left out); for diagnostics and tests. */
export const listTemporaryFiles = async (dataDir: string): Promise<Array<string>> => {
  const tmpRoot = path.join(dataDir, "artifacts-tmp")
  const found: Array<string> = []
  for (const entry of await readdir(tmpRoot, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) found.push(entry.name)
    else for (const name of await readdir(path.join(tmpRoot, entry.name)).catch(() => [])) if (name !== "owner.json") found.push(`${entry.name}/${name}`)
  }
  return found
}
