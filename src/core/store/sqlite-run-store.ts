import path from "node:path"
import { SqlClient } from "@effect/sql"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Effect, Layer } from "effect"
import { CtsConfig } from "../config.js"
import { SystemError } from "../errors.js"
import type { ArtifactMeta } from "../../model/artifact.js"
import type { RunRecord } from "../../model/run.js"
import type { RunEvent } from "../../model/run-event.js"
import { ensurePrivateDir, ensurePrivateFile } from "../util/private-files.js"
import { NO_LEASE_EXPIRY, RunStore, type ArtifactQuery, type RunPatch, type RunStoreService } from "./run-store.js"
import { createRunCache } from "./run-cache.js"
import { countRunStatistics, makeRunTransitions } from "./run-transitions.js"
import { migrate } from "./sqlite-schema.js"
import type { SqlDialect } from "./sql-dialect.js"
import { artifactFromRow, eventBody, eventFromRow, json, runFromRow, type ArtifactRow, type EventRow, type RunRow } from "./store-rows.js"

/** File name of the SQLite database inside the data dir. */
export const DATABASE_FILE = "cts.sqlite"

const dbErrorWith = (suggestedAction: string) => (e: unknown) =>
  new SystemError({
    code: "database_error",
    message: `Run database error: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
    suggestedAction
  })

/** SQLite: `?` bind parameters, PRAGMA-based migrations. */
export const sqliteDialect: SqlDialect = {
  migrate,
  statement: text => text,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  suggestedAction: "Check that the data dir is writable and not full"
}

const patchColumns: Record<keyof RunPatch, string> = {
  status: "status",
  startedAt: "started_at",
  finishedAt: "finished_at",
  progress: "progress",
  error: "error",
  summary: "summary",
  inputs: "inputs"
}

const chunksOf = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const parts: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size))
  return parts
}

/** The run store over any `SqlClient`; `dialect` holds what differs between engines. */
export const makeSqlRunStore = (dialect: SqlDialect) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const dbError = dbErrorWith(dialect.suggestedAction)
    yield* dialect.migrate(sql).pipe(Effect.mapError(dbError))

    const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
      sql.unsafe<A>(dialect.statement(text), params).pipe(Effect.mapError(dbError))

    const artifactIdsOf = (runId: string) =>
      query<{ id: string }>("SELECT id FROM artifacts WHERE run_id = ? ORDER BY created_at, id", [runId]).pipe(Effect.map(rows => rows.map(r => r.id)))

    const cache = createRunCache()
    const transitions = yield* makeRunTransitions(query, cache)

    const loadRun = (id: string) =>
      query<RunRow>("SELECT * FROM runs WHERE id = ?", [id]).pipe(
        Effect.flatMap(rows => (rows[0] ? Effect.map(artifactIdsOf(id), ids => runFromRow(rows[0]!, ids)) : Effect.succeed(null)))
      )

    const withArtifacts = (rows: ReadonlyArray<RunRow>) => Effect.forEach(rows, row => Effect.map(artifactIdsOf(row.id), ids => runFromRow(row, ids)))

    const service: RunStoreService = {
      insertRun: (run: RunRecord, host: string, leaseExpiresAt?: string) =>
        query(
          `INSERT INTO runs (id, tool_id, tool_version, name, owner, status, params, inputs, created_at, started_at,
           finished_at, timeout_ms, progress, error, summary, host, lease_owner, lease_expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
          [
            run.id,
            run.toolId,
            run.toolVersion,
            run.name,
            run.owner,
            run.status,
            json(run.params) ?? "{}",
            json(run.inputs) ?? "[]",
            run.createdAt,
            run.startedAt,
            run.finishedAt,
            run.timeoutMs,
            json(run.progress),
            json(run.error),
            json(run.summary),
            host,
            leaseExpiresAt === undefined ? null : host,
            leaseExpiresAt ?? null
          ]
        ).pipe(
          // Only the process that leases the run at insert executes it, so only it may keep the live run cached.
          Effect.tap(() => transitions.inserted(run, leaseExpiresAt !== undefined)),
          Effect.asVoid
        ),

      updateRun: (id, patch) => {
        const keys = Object.keys(patch) as Array<keyof RunPatch>
        if (keys.length === 0) return Effect.void
        const values = keys.map(k => (k === "status" || k === "startedAt" || k === "finishedAt" ? (patch[k] ?? null) : json(patch[k])))
        const write = query(`UPDATE runs SET ${keys.map(k => `${patchColumns[k]} = ?`).join(", ")} WHERE id = ?`, [...values, id])
        return transitions.updated(id, patch, write)
      },

      getRun: id => {
        const cached = cache.get(id)
        return cached !== undefined ? Effect.succeed(cached) : cache.readThrough(id, loadRun(id))
      },

      listRuns: q => {
        const limit = Math.min(Math.max(q.limit ?? 50, 1), 500)
        const where: Array<string> = []
        const params: Array<unknown> = []
        if (q.status) where.push("status = ?"), params.push(q.status)
        if (q.toolId) where.push("tool_id = ?"), params.push(q.toolId)
        if (q.owner) where.push("owner = ?"), params.push(q.owner)
        if (q.cursor) where.push("id < ?"), params.push(q.cursor)
        const clause = where.length ? `WHERE ${where.join(" AND ")}` : ""
        return query<RunRow>(`SELECT * FROM runs ${clause} ORDER BY id DESC LIMIT ?`, [...params, limit + 1]).pipe(
          Effect.flatMap(rows =>
            Effect.map(withArtifacts(rows.slice(0, limit)), items => ({
              items,
              nextCursor: rows.length > limit ? items[items.length - 1]!.id : null
            }))
          )
        )
      },

      insertArtifact: (meta: ArtifactMeta) =>
        query(
          `INSERT INTO artifacts (id, key, run_id, name, size, sha256, content_type, created_at, partial, metadata)
         VALUES (?,?,?,?,?,?,?,?,?,?)`,
          [meta.id, meta.key, meta.runId, meta.name, meta.size, meta.sha256, meta.contentType, meta.createdAt, meta.partial ? 1 : 0, json(meta.metadata)]
        ).pipe(
          Effect.tap(() => Effect.sync(() => meta.runId !== null && cache.invalidate(meta.runId))),
          Effect.asVoid
        ),

      getArtifact: id => query<ArtifactRow>("SELECT * FROM artifacts WHERE id = ?", [id]).pipe(Effect.map(r => (r[0] ? artifactFromRow(r[0]) : null))),

      getArtifactByKey: key => query<ArtifactRow>("SELECT * FROM artifacts WHERE key = ?", [key]).pipe(Effect.map(r => (r[0] ? artifactFromRow(r[0]) : null))),

      listArtifacts: (q: ArtifactQuery) => {
        const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000)
        const where: Array<string> = []
        const params: Array<unknown> = []
        if (q.prefix) where.push("substr(key, 1, ?) = ?"), params.push(q.prefix.length, q.prefix)
        if (q.runId) where.push("run_id = ?"), params.push(q.runId)
        if (q.cursor) where.push("id > ?"), params.push(q.cursor)
        const clause = where.length ? `WHERE ${where.join(" AND ")}` : ""
        return query<ArtifactRow>(`SELECT * FROM artifacts ${clause} ORDER BY id LIMIT ?`, [...params, limit + 1]).pipe(
          Effect.map(rows => {
            const items = rows.slice(0, limit).map(artifactFromRow)
            return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null }
          })
        )
      },

      deleteArtifact: id =>
        Effect.gen(function* () {
          const owner = yield* query<{ run_id: string | null }>("SELECT run_id FROM artifacts WHERE id = ?", [id])
          yield* query("DELETE FROM artifacts WHERE id = ?", [id])
          if (owner[0]?.run_id) cache.invalidate(owner[0].run_id)
        }),

      markRunArtifactsPartial: runId => query("UPDATE artifacts SET partial = 1 WHERE run_id = ?", [runId]).pipe(Effect.asVoid),

      expiredArtifacts: (cutoffIso, afterId, limit) =>
        query<ArtifactRow>(
          `SELECT a.* FROM artifacts a LEFT JOIN runs r ON r.id = a.run_id
         WHERE a.id > ? AND (
              (a.run_id IS NOT NULL AND r.finished_at IS NOT NULL AND r.finished_at < ?)
           OR (a.run_id IS NOT NULL AND r.id IS NULL AND a.created_at < ?)
           OR (a.run_id IS NULL AND a.created_at < ? AND NOT EXISTS (
                 SELECT 1 FROM runs u WHERE u.status IN ('queued', 'running') AND ${dialect.contains("u.inputs", "a.id")})))
         ORDER BY a.id LIMIT ?`,
          [afterId, cutoffIso, cutoffIso, cutoffIso, limit]
        ).pipe(Effect.map(rows => rows.map(artifactFromRow))),

      insertEvent: (event: RunEvent) =>
        query("INSERT INTO run_events (run_id, seq, time, type, body) VALUES (?,?,?,?,?)", [
          event.runId,
          event.seq,
          event.time,
          event.type,
          eventBody(event)
        ]).pipe(Effect.asVoid),

      readEvents: (runId, after, limit) =>
        query<EventRow>("SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?", [runId, after, limit]).pipe(
          Effect.map(rows => rows.map(eventFromRow))
        ),

      lastSeq: runId => query<{ s: number | null }>("SELECT MAX(seq) AS s FROM run_events WHERE run_id = ?", [runId]).pipe(Effect.map(rows => rows[0]?.s ?? 0)),

      lastSeqs: runIds =>
        Effect.map(
          Effect.forEach(chunksOf(runIds, 500), ids =>
            query<{ run_id: string; s: number }>(
              `SELECT run_id, MAX(seq) AS s FROM run_events WHERE run_id IN (${ids.map(() => "?").join(",")}) GROUP BY run_id`,
              ids
            )
          ),
          pages => new Map(pages.flat().map(r => [r.run_id, r.s] as const))
        ),

      requestCancel: id =>
        query<{ id: string }>("UPDATE runs SET cancel_requested_at = ? WHERE id = ? AND status IN ('queued', 'running') RETURNING id", [
          new Date().toISOString(),
          id
        ]).pipe(Effect.map(rows => rows.length > 0)),

      cancelRequested: ids =>
        Effect.map(
          Effect.forEach(chunksOf(ids, 500), part =>
            query<{ id: string }>(`SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (${part.map(() => "?").join(",")})`, part)
          ),
          pages => pages.flat().map(r => r.id)
        ),

      takeLease: (id, owner, expiresAt, now) =>
        query<{ id: string }>(
          `UPDATE runs SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND status = 'queued'
           AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?) RETURNING id`,
          [owner, expiresAt, id, owner, now]
        ).pipe(Effect.map(rows => rows.length > 0)),

      renewLeases: (owner, expiresAt) =>
        query<{ id: string }>("UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? AND status IN ('queued', 'running') RETURNING id", [
          expiresAt,
          owner
        ]).pipe(Effect.map(rows => rows.length)),

      leasedRuns: query<{ id: string; status: RunRecord["status"]; owner: string; expires_at: string }>(
        `SELECT id, status, COALESCE(lease_owner, host) AS owner, COALESCE(lease_expires_at, '${NO_LEASE_EXPIRY}') AS expires_at FROM runs
         WHERE status IN ('queued', 'running') AND (lease_owner IS NOT NULL OR status = 'running')`
      ).pipe(Effect.map(rows => rows.map(r => ({ id: r.id, status: r.status, owner: r.owner, expiresAt: r.expires_at })))),

      claimLease: (held, owner, expiresAt) =>
        query<{ id: string }>(
          `UPDATE runs SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND status IN ('queued', 'running')
           AND COALESCE(lease_owner, host) = ? AND COALESCE(lease_expires_at, '${NO_LEASE_EXPIRY}') = ? RETURNING id`,
          [owner, expiresAt, held.id, held.owner, held.expiresAt]
        ).pipe(Effect.map(rows => rows.length > 0)),

      statistics: dialect.sharedSecondsBetween
        ? countRunStatistics(query, dialect.sharedSecondsBetween).pipe(Effect.orElse(() => Effect.sync(transitions.snapshot)))
        : Effect.sync(transitions.snapshot)
    }
    return service
  })

/** Options of `layerSqlite`: the database file (default `<dataDir>/cts.sqlite`; `":memory:"` for a private in-memory database). */
export interface SqliteRunStoreOptions {
  readonly filename?: string
}

const sqliteClient = (options: SqliteRunStoreOptions) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      if (options.filename !== undefined) return SqliteClient.layer({ filename: options.filename })
      const { dataDir } = yield* CtsConfig
      yield* Effect.try({
        try: () => {
          ensurePrivateDir(dataDir)
          ensurePrivateFile(path.join(dataDir, DATABASE_FILE))
        },
        catch: e => new SystemError({ code: "data_dir_unwritable", message: `Cannot create data dir ${dataDir}: ${(e as Error).message}` })
      })
      return SqliteClient.layer({ filename: path.join(dataDir, DATABASE_FILE) })
    })
  )

/** RunStore backed by SQLite (`<dataDir>/cts.sqlite` unless `filename` says otherwise, WAL mode). */
export const layerSqlite = (options: SqliteRunStoreOptions = {}): Layer.Layer<RunStore, SystemError | import("effect/ConfigError").ConfigError, CtsConfig> =>
  Layer.effect(RunStore, makeSqlRunStore(sqliteDialect)).pipe(Layer.provide(sqliteClient(options)))

/** RunStore backed by SQLite in the data dir (`layerSqlite()`). */
export const RunStoreSqlite = layerSqlite()
