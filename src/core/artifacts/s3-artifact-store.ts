import { createHash } from "node:crypto"
import { Readable } from "node:stream"
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3"
import { Upload } from "@aws-sdk/lib-storage"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import { Effect, Layer, Stream } from "effect"
import { CtsConfig } from "../config.js"
import { SystemError, ValidationError, type CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { freeArtifactKey, newArtifactMeta, statArtifact } from "./new-artifact-meta.js"
import { rangeError } from "./artifact-range.js"
import { SignedLinks } from "./signed-links.js"
import { ArtifactStore, type ArtifactMeta, type ArtifactStoreService, type ByteRange } from "./artifact-store.js"
import { bundledArtifacts } from "./run-artifacts.js"
import { createS3Client, objectKey, parseS3Url, type S3Location } from "./s3-location.js"
import { zipStream } from "./zip-stream.js"

const s3Error = (what: string) => (e: unknown) =>
  e instanceof ValidationError || e instanceof SystemError
    ? e
    : new SystemError({
        code: "artifact_storage_error",
        message: `${what} failed in the S3 artifact store: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        suggestedAction: "Check that the S3 endpoint is reachable, the bucket exists and the credentials may read and write it"
      })

/** Longest presigned URL S3 accepts (SigV4): 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600

/** The S3 artifact store's parts, for the layer and for health checks. */
export const makeS3ArtifactStore = (client: S3Client, loc: S3Location) =>
  Effect.gen(function* () {
    const links = yield* SignedLinks
    const runs = yield* RunStore
    const attempt = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: s3Error(what) })
    const stat_ = (id: string) => statArtifact(runs, id)

    const openObject = (meta: ArtifactMeta, range?: ByteRange) =>
      attempt(`Reading artifact ${meta.id}`, async () => {
        const out = await client.send(
          new GetObjectCommand({ Bucket: loc.bucket, Key: objectKey(loc, meta.key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) })
        )
        return out.Body as Readable
      }).pipe(
        Effect.catchIf(
          e => e.message.includes("NoSuchKey"),
          () =>
            new SystemError({
              code: "artifact_missing",
              message: `The bytes of artifact ${meta.id} (${meta.name}) are missing from the bucket`,
              suggestedAction: "The object was removed outside cts-lite; re-run the tool"
            })
        )
      )

    const located = (id: string, range?: ByteRange) =>
      Effect.gen(function* () {
        const meta = yield* stat_(id)
        const bad = rangeError(meta, range)
        if (bad) return yield* bad
        return { meta, body: yield* openObject(meta, range) }
      })

    /** Lists at most one key under the prefix: proves the bucket is reachable and readable. */
    const ping = Effect.asVoid(
      attempt("Listing the bucket", () =>
        client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.prefix ? `${loc.prefix}/` : undefined, MaxKeys: 1 }))
      )
    )

    const service: ArtifactStoreService = {
      put: (spec, body) =>
        Effect.gen(function* () {
          const key = yield* freeArtifactKey(runs, spec.key)
          const hash = createHash("sha256")
          let size = 0
          let bodyError: CtsError | undefined
          const counted = body.pipe(
            Stream.tap(chunk => Effect.sync(() => (hash.update(chunk), (size += chunk.byteLength)))),
            Stream.tapError(e => Effect.sync(() => void (bodyError = e)))
          )
          const upload = new Upload({
            client,
            params: { Bucket: loc.bucket, Key: objectKey(loc, key), Body: Readable.from(Stream.toAsyncIterable(counted)), ContentType: spec.contentType },
            queueSize: 2,
            partSize: 8 * 1024 * 1024
          })
          yield* attempt(`Storing ${key}`, () => upload.done()).pipe(
            Effect.mapError(e => bodyError ?? e),
            Effect.onInterrupt(() => Effect.promise(() => upload.abort().catch(() => undefined)))
          )
          const meta = newArtifactMeta(spec, key, size, hash.digest("hex"))
          yield* runs
            .insertArtifact(meta)
            .pipe(
              Effect.tapError(() =>
                Effect.promise(() => client.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: objectKey(loc, key) })).catch(() => undefined))
              )
            )
          return meta
        }),

      get: (id, range) =>
        Effect.map(located(id, range), ({ meta, body }) => ({
          meta,
          body: Stream.fromAsyncIterable(body as AsyncIterable<Uint8Array>, s3Error(`Reading artifact ${id}`))
        })),

      openRead: located,

      stat: stat_,

      list: query => runs.listArtifacts(query),

      delete: id =>
        Effect.gen(function* () {
          const meta = yield* stat_(id)
          yield* attempt(`Deleting artifact ${id}`, () => client.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: objectKey(loc, meta.key) })))
          yield* runs.deleteArtifact(id)
        }),

      signUrl: (id, ttlSeconds) => Effect.tap(links.signArtifact(id, ttlSeconds), () => stat_(id)),

      verifyToken: links.verifyArtifact,

      presignedUrl: (id, ttlSeconds) =>
        Effect.gen(function* () {
          const seconds = Math.ceil(ttlSeconds)
          if (!(seconds > 0) || seconds > MAX_PRESIGN_SECONDS) {
            return yield* new ValidationError({
              code: "invalid_ttl",
              message: `ttlSeconds must be from 1 to ${MAX_PRESIGN_SECONDS} (7 days), got ${ttlSeconds}`
            })
          }
          const meta = yield* stat_(id)
          const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000)
          const command = new GetObjectCommand({
            Bucket: loc.bucket,
            Key: objectKey(loc, meta.key),
            ResponseContentDisposition: `attachment; filename="${meta.name.replace(/["\\\r\n]/g, "_")}"`
          })
          const url = yield* attempt("Signing a download URL", () => getSignedUrl(client, command, { expiresIn: seconds, signingDate: signedAt }))
          return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() }
        }),

      bundle: runId =>
        Stream.unwrap(
          Effect.gen(function* () {
            const metas = yield* bundledArtifacts(runs, runId)
            return zipStream(
              metas.map(meta => ({ name: meta.name, size: meta.size, mtime: new Date(meta.createdAt), open: () => Effect.runPromise(openObject(meta)) }))
            )
          })
        )
    }

    return { ...service, ping }
  })

/**
 * ArtifactStore in an S3 bucket (`s3://bucket/prefix` in `artifacts`, connection in `s3`): bytes stream
 * to S3 in multipart uploads (an object appears only once complete) with their sha256 computed on the
 * way; metadata stays in the RunStore. Tool inputs are read from the bucket as streams like any
 * other read (no local copy).
 */
export const ArtifactStoreS3: Layer.Layer<ArtifactStore, CtsError, CtsConfig | RunStore | SignedLinks> = Layer.effect(
  ArtifactStore,
  Effect.gen(function* () {
    const config = yield* CtsConfig
    const loc = yield* Effect.try({ try: () => parseS3Url(config.artifacts ?? ""), catch: e => e as ValidationError })
    return yield* makeS3ArtifactStore(createS3Client(config.s3), loc)
  })
)
