import type { Readable } from "node:stream"
import { Context } from "effect"
import type { Effect, Stream } from "effect"
import type { ArtifactMeta, ArtifactPage, ArtifactQuery, ByteRange } from "../../model/artifact.js"
import type { CtsError } from "../../model/errors.js"

/** The metadata types moved to `src/model/artifact.ts`; re-exported here for code written against this module. */
export type { ArtifactMeta, ArtifactPage, ArtifactQuery, ByteRange } from "../../model/artifact.js"

export interface PutArtifact {
  readonly key: string
  readonly name: string
  readonly contentType: string
  readonly runId?: string | null
  /** Read once the body has ended, so a writer may complete it with values known only then. */
  readonly metadata?: Record<string, unknown> | undefined
}

/** Stores artifacts by key; keys never escape the store. */
export interface ArtifactStoreService {
  readonly put: (spec: PutArtifact, body: Stream.Stream<Uint8Array, CtsError>) => Effect.Effect<ArtifactMeta, CtsError>
  readonly get: (id: string, range?: ByteRange) => Effect.Effect<{ readonly meta: ArtifactMeta; readonly body: Stream.Stream<Uint8Array, CtsError> }, CtsError>
  /**
   * The same bytes as `get` as a Node Readable read straight from storage in large pieces (no
   * Effect Stream in between); for adapters that pipe the body to an HTTP response. The caller
   * must consume or destroy it. Optional: a backend without it is served through `get`.
   */
  readonly openRead?: (id: string, range?: ByteRange) => Effect.Effect<{ readonly meta: ArtifactMeta; readonly body: Readable }, CtsError>
  readonly stat: (id: string) => Effect.Effect<ArtifactMeta, CtsError>
  readonly list: (query: ArtifactQuery) => Effect.Effect<ArtifactPage, CtsError>
  readonly delete: (id: string) => Effect.Effect<void, CtsError>
  /** Signed expiring token for `id`; `verifyToken` returns the id or fails. */
  readonly signUrl: (id: string, ttlSeconds: number) => Effect.Effect<{ readonly token: string; readonly expiresAt: string }, CtsError>
  readonly verifyToken: (token: string) => Effect.Effect<string, CtsError>
  /**
   * A URL the storage service itself answers with the artifact's bytes until `expiresAt`, so
   * downloads need not pass through this process. Optional: only object-storage backends have it.
   */
  readonly presignedUrl?: (id: string, ttlSeconds: number) => Effect.Effect<{ readonly url: string; readonly expiresAt: string }, CtsError>
  /** Reaches the storage (the artifact directory, the bucket) without changing anything; for health checks. Optional. */
  readonly ping?: Effect.Effect<void, CtsError>
  /** A run's artifacts as a ZIP, streamed. */
  readonly bundle: (runId: string) => Stream.Stream<Uint8Array, CtsError>
}

export class ArtifactStore extends Context.Tag("cts/ArtifactStore")<ArtifactStore, ArtifactStoreService>() {}
