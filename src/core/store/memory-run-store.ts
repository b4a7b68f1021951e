import { Effect, Layer } from "effect"
import type { ArtifactMeta } from "../../model/artifact.js"
import { SystemError } from "../../model/errors.js"
import { isTerminalStatus, type RunRecord } from "../../model/run.js"
import type { RunEvent } from "../../model/run-event.js"
import { createRunTally, secondsBetween, type RunTally } from "../../model/run-statistics.js"
import { NO_LEASE_EXPIRY, RunStore, type LeasedRun, type RunStoreService } from "./run-store.js"
import { json } from "./store-rows.js"

interface StoredRun {
  /** The record as stored (JSON values copied, artifact ids left out: they come from the artifacts). */
  record: RunRecord
  readonly host: string
  leaseOwner: string | null
  leaseExpiresAt: string | null
  cancelRequestedAt: string | null
}

/** The tables of a memory store; several `layerMemory` stores over one database see each other's writes (as connections would). */
export interface MemoryRunDatabase {
  readonly runs: Map<string, StoredRun>
  readonly artifacts: Map<string, ArtifactMeta>
  readonly events: Map<string, Map<number, RunEvent>>
  readonly tally: RunTally
}

/** An empty memory database. */
export const createMemoryRunDatabase = (): MemoryRunDatabase => ({ runs: new Map(), artifacts: new Map(), events: new Map(), tally: createRunTally() })

/** Copies a value as the SQL stores' JSON columns would keep it (bigints become strings). */
const copy = <A>(value: A): A => {
  const text = json(value)
  return (text === null ? null : JSON.parse(text)) as A
}

const unique = (what: string) =>
  new SystemError({ code: "database_error", message: `Run database error: UNIQUE constraint failed: ${what}`, suggestedAction: "Check the ids written" })

const live = (run: StoredRun) => run.record.status === "queued" || run.record.status === "running"
const byId = (a: { readonly id: string }, b: { readonly id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const clamp = (value: number | undefined, fallback: number, max: number) => Math.min(Math.max(value ?? fallback, 1), max)

/** The run store over plain in-process maps: the same behaviour as the SQL stores, without a database (tests of core logic). */
export const makeMemoryRunStore = (db: MemoryRunDatabase = createMemoryRunDatabase()): RunStoreService => {
  const artifactIdsOf = (runId: string) =>
    [...db.artifacts.values()]
      .filter(a => a.runId === runId)
      .sort((a, b) => (a.createdAt === b.createdAt ? byId(a, b) : a.createdAt < b.createdAt ? -1 : 1))
      .map(a => a.id)
  const recordOf = (run: StoredRun): RunRecord => ({ ...run.record, artifactIds: artifactIdsOf(run.record.id) })
  const leaseOf = (run: StoredRun): LeasedRun => ({
    id: run.record.id,
    status: run.record.status,
    owner: run.leaseOwner ?? run.host,
    expiresAt: run.leaseExpiresAt ?? NO_LEASE_EXPIRY
  })
  const lastSeqOf = (runId: string) => {
    let last = 0
    for (const seq of db.events.get(runId)?.keys() ?? []) last = Math.max(last, seq)
    return last
  }
  const liveRun = (id: string) => {
    const run = db.runs.get(id)
    return run !== undefined && live(run) ? run : undefined
  }

  return {
    insertRun: (run, host, leaseExpiresAt) =>
      Effect.suspend(() => {
        if (db.runs.has(run.id)) return Effect.fail(unique("runs.id"))
        const record: RunRecord = {
          ...run,
          params: copy(run.params) ?? {},
          inputs: copy(run.inputs) ?? [],
          progress: copy(run.progress),
          error: copy(run.error),
          summary: copy(run.summary),
          artifactIds: []
        }
        db.runs.set(run.id, {
          record,
          host,
          leaseOwner: leaseExpiresAt === undefined ? null : host,
          leaseExpiresAt: leaseExpiresAt ?? null,
          cancelRequestedAt: null
        })
        db.tally.add(run.toolId, run.status, 1)
        return Effect.void
      }),

    updateRun: (id, patch) =>
      Effect.sync(() => {
        const run = db.runs.get(id)
        if (run === undefined) return
        const prior = run.record
        run.record = { ...prior, ...copy(patch) }
        const next = patch.status
        if (next === undefined || next === prior.status) return
        db.tally.add(prior.toolId, prior.status, -1)
        db.tally.add(prior.toolId, next, 1)
        const startedAt = patch.startedAt !== undefined ? patch.startedAt : prior.startedAt
        if (isTerminalStatus(next) && !isTerminalStatus(prior.status) && startedAt && patch.finishedAt) {
          db.tally.observe(prior.toolId, next, secondsBetween(startedAt, patch.finishedAt))
        }
      }),

    getRun: id =>
      Effect.sync(() => {
        const run = db.runs.get(id)
        return run === undefined ? null : recordOf(run)
      }),

    listRuns: q =>
      Effect.sync(() => {
        const limit = clamp(q.limit, 50, 500)
        const rows = [...db.runs.values()]
          .map(r => r.record)
          .filter(r => (!q.status || r.status === q.status) && (!q.toolId || r.toolId === q.toolId) && (!q.owner || r.owner === q.owner))
          .filter(r => !q.cursor || r.id < q.cursor)
          .sort((a, b) => byId(b, a))
        const items = rows.slice(0, limit).map(r => ({ ...r, artifactIds: artifactIdsOf(r.id) }))
        return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null }
      }),

    insertArtifact: meta =>
      Effect.suspend(() => {
        if (db.artifacts.has(meta.id)) return Effect.fail(unique("artifacts.id"))
        for (const a of db.artifacts.values()) if (a.key === meta.key) return Effect.fail(unique("artifacts.key"))
        const { metadata, partial, ...rest } = meta
        const kept = copy(metadata)
        db.artifacts.set(meta.id, { ...rest, ...(partial ? { partial: true } : {}), ...(kept ? { metadata: kept } : {}) })
        return Effect.void
      }),

    getArtifact: id => Effect.sync(() => db.artifacts.get(id) ?? null),

    getArtifactByKey: key => Effect.sync(() => [...db.artifacts.values()].find(a => a.key === key) ?? null),

    listArtifacts: q =>
      Effect.sync(() => {
        const limit = clamp(q.limit, 100, 1000)
        const rows = [...db.artifacts.values()]
          .filter(a => (!q.prefix || a.key.startsWith(q.prefix)) && (!q.runId || a.runId === q.runId) && (!q.cursor || a.id > q.cursor))
          .sort(byId)
        const items = rows.slice(0, limit)
        return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null }
      }),

    deleteArtifact: id =>
      Effect.sync(() => {
        db.artifacts.delete(id)
      }),

    markRunArtifactsPartial: runId =>
      Effect.sync(() => {
        for (const [id, a] of db.artifacts) if (a.runId === runId) db.artifacts.set(id, { ...a, partial: true })
      }),

    expiredArtifacts: (cutoffIso, afterId, limit) =>
      Effect.sync(() => {
        const liveInputs = [...db.runs.values()].filter(live).map(r => json(r.record.inputs) ?? "")
        const expired = (a: ArtifactMeta) => {
          if (a.runId === null) return a.createdAt < cutoffIso && !liveInputs.some(inputs => inputs.includes(a.id))
          const run = db.runs.get(a.runId)
          if (run === undefined) return a.createdAt < cutoffIso
          return run.record.finishedAt !== null && run.record.finishedAt < cutoffIso
        }
        return [...db.artifacts.values()]
          .filter(a => a.id > afterId && expired(a))
          .sort(byId)
          .slice(0, limit)
      }),

    insertEvent: event =>
      Effect.suspend(() => {
        let events = db.events.get(event.runId)
        if (events === undefined) db.events.set(event.runId, (events = new Map()))
        if (events.has(event.seq)) return Effect.fail(unique("run_events.run_id, run_events.seq"))
        events.set(event.seq, copy(event))
        return Effect.void
      }),

    readEvents: (runId, after, limit) =>
      Effect.sync(() =>
        [...(db.events.get(runId)?.values() ?? [])]
          .filter(e => e.seq > after)
          .sort((a, b) => a.seq - b.seq)
          .slice(0, limit)
      ),

    lastSeq: runId => Effect.sync(() => lastSeqOf(runId)),

    lastSeqs: runIds =>
      Effect.sync(() => {
        const seqs = new Map<string, number>()
        for (const id of runIds) if (lastSeqOf(id) > 0) seqs.set(id, lastSeqOf(id))
        return seqs
      }),

    requestCancel: id =>
      Effect.sync(() => {
        const run = liveRun(id)
        if (run !== undefined) run.cancelRequestedAt = new Date().toISOString()
        return run !== undefined
      }),

    cancelRequested: ids => Effect.sync(() => ids.filter(id => db.runs.get(id)?.cancelRequestedAt != null)),

    takeLease: (id, owner, expiresAt, now) =>
      Effect.sync(() => {
        const run = db.runs.get(id)
        const free =
          run !== undefined && run.record.status === "queued" && (run.leaseOwner === null || run.leaseOwner === owner || (run.leaseExpiresAt ?? "") < now)
        if (free) Object.assign(run, { leaseOwner: owner, leaseExpiresAt: expiresAt })
        return free
      }),

    renewLeases: (owner, expiresAt) =>
      Effect.sync(() => {
        let renewed = 0
        for (const run of db.runs.values()) if (live(run) && run.leaseOwner === owner) (run.leaseExpiresAt = expiresAt), renewed++
        return renewed
      }),

    leasedRuns: Effect.sync(() => [...db.runs.values()].filter(r => live(r) && (r.leaseOwner !== null || r.record.status === "running")).map(leaseOf)),

    claimLease: (held, owner, expiresAt) =>
      Effect.sync(() => {
        const run = liveRun(held.id)
        const same = run !== undefined && leaseOf(run).owner === held.owner && leaseOf(run).expiresAt === held.expiresAt
        if (same) Object.assign(run, { leaseOwner: owner, leaseExpiresAt: expiresAt })
        return same
      }),

    statistics: Effect.sync(() => db.tally.snapshot())
  }
}

/** Options of `layerMemory`: the database to share with other memory stores (default: a new, empty one per layer build). */
export interface MemoryRunStoreOptions {
  readonly database?: MemoryRunDatabase
}

/** RunStore over in-process maps (no SQLite, nothing persisted): for tests of the core's logic. */
export const layerMemory = (options: MemoryRunStoreOptions = {}): Layer.Layer<RunStore> =>
  Layer.sync(RunStore, () => makeMemoryRunStore(options.database ?? createMemoryRunDatabase()))
