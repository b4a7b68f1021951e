import { Context } from "effect"
import type { Effect } from "effect"
import type { ArtifactMeta, ArtifactPage, ArtifactQuery } from "../../model/artifact.js"
import type { CtsError } from "../../model/errors.js"
import type { RunQuery, RunRecord } from "../../model/run.js"
import type { RunEvent } from "../../model/run-event.js"
import type { RunStatistics } from "../../model/run-statistics.js"

export type { ArtifactQuery } from "../../model/artifact.js"

/** Fields of a run the executor changes as it moves through its states. */
export type RunPatch = Partial<Pick<RunRecord, "status" | "startedAt" | "finishedAt" | "progress" | "error" | "summary" | "inputs">>

/** The expiry a running run without a lease counts as having (long past): left by a version without leases, or by a bug; whoever notices recovers it. */
export const NO_LEASE_EXPIRY = "1970-01-01T00:00:00.000Z"

/** An unfinished run with its lease: who holds it and until when (ISO-8601). */
export interface LeasedRun {
  readonly id: string
  readonly status: RunRecord["status"]
  readonly owner: string
  readonly expiresAt: string
}

/** Persistence of runs, run events and artifact metadata (SQLite in the data dir by default). */
export interface RunStoreService {
  /** Inserts a run accepted by `host`; with `leaseExpiresAt`, `host` also holds the run's lease until then. */
  readonly insertRun: (run: RunRecord, host: string, leaseExpiresAt?: string) => Effect.Effect<void, CtsError>
  readonly updateRun: (id: string, patch: RunPatch) => Effect.Effect<void, CtsError>
  /** The run with its artifact ids, or null. */
  readonly getRun: (id: string) => Effect.Effect<RunRecord | null, CtsError>
  /** Newest first; the cursor is the last id of the previous page. */
  readonly listRuns: (query: RunQuery) => Effect.Effect<{ readonly items: ReadonlyArray<RunRecord>; readonly nextCursor: string | null }, CtsError>

  readonly insertArtifact: (meta: ArtifactMeta) => Effect.Effect<void, CtsError>
  readonly getArtifact: (id: string) => Effect.Effect<ArtifactMeta | null, CtsError>
  readonly getArtifactByKey: (key: string) => Effect.Effect<ArtifactMeta | null, CtsError>
  readonly listArtifacts: (query: ArtifactQuery) => Effect.Effect<ArtifactPage, CtsError>
  readonly deleteArtifact: (id: string) => Effect.Effect<void, CtsError>
  /** Flags every artifact of the run as partial (the run did not complete). */
  readonly markRunArtifactsPartial: (runId: string) => Effect.Effect<void, CtsError>
  /** Artifacts due for retention: of runs finished before `cutoff`, and uploads created before it that no unfinished run uses; ids > `afterId`, in id order. */
  readonly expiredArtifacts: (cutoffIso: string, afterId: string, limit: number) => Effect.Effect<ReadonlyArray<ArtifactMeta>, CtsError>

  readonly insertEvent: (event: RunEvent) => Effect.Effect<void, CtsError>
  readonly readEvents: (runId: string, after: number, limit: number) => Effect.Effect<ReadonlyArray<RunEvent>, CtsError>
  /** Highest seq stored for the run (0 when none). */
  readonly lastSeq: (runId: string) => Effect.Effect<number, CtsError>
  /** Highest seq stored per run, for those of `runIds` that have events. */
  readonly lastSeqs: (runIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, number>, CtsError>
  /** Records that someone asked to cancel a queued or running run (from any process); false when the run is not queued or running. */
  readonly requestCancel: (id: string) => Effect.Effect<boolean, CtsError>
  /** Those of `ids` whose cancel was requested. */
  readonly cancelRequested: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>, CtsError>
  /**
   * Gives the lease of a queued run to `owner` until `expiresAt` when nobody holds it, `owner` already
   * does, or the holder's lease expired before `now`; false otherwise (another owner holds it, or the run
   * is no longer queued: a running run belongs to its node, or is recovered from it).
   */
  readonly takeLease: (id: string, owner: string, expiresAt: string, now: string) => Effect.Effect<boolean, CtsError>
  /** Extends every lease `owner` holds on unfinished runs to `expiresAt`; the number renewed. */
  readonly renewLeases: (owner: string, expiresAt: string) => Effect.Effect<number, CtsError>
  /** Unfinished runs that have a lease (whoever holds it); a running run without one counts as leased by its host, expired long ago. */
  readonly leasedRuns: Effect.Effect<ReadonlyArray<LeasedRun>, CtsError>
  /**
   * Takes over the lease of an unfinished run only while it is still exactly `held` (same owner and
   * expiry): of several processes that noticed the same dead owner, one wins.
   */
  readonly claimLease: (held: LeasedRun, owner: string, expiresAt: string) => Effect.Effect<boolean, CtsError>
  /** Run counts and durations kept up to date on every write (seeded from the stored runs when the store opens), when the store keeps them. */
  readonly statistics?: Effect.Effect<RunStatistics>
}

export class RunStore extends Context.Tag("cts/RunStore")<RunStore, RunStoreService>() {}
