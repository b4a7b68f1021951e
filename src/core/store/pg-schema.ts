import type { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * The SQLite schema (sqlite-schema.ts) in PostgreSQL: the same tables and columns, sizes and timeouts
 * as BIGINT, and every text column in the "C" collation so ids, keys and ISO times sort and compare
 * bytewise as in SQLite (ids double as pagination cursors).
 */
const statements = [
  `CREATE TABLE IF NOT EXISTS runs (
    id TEXT COLLATE "C" PRIMARY KEY,
    tool_id TEXT COLLATE "C" NOT NULL,
    tool_version TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C",
    owner TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL,
    params TEXT COLLATE "C" NOT NULL,
    inputs TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    started_at TEXT COLLATE "C",
    finished_at TEXT COLLATE "C",
    timeout_ms BIGINT NOT NULL,
    progress TEXT COLLATE "C",
    error TEXT COLLATE "C",
    summary TEXT COLLATE "C",
    host TEXT COLLATE "C" NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS runs_status ON runs (status)`,
  `CREATE INDEX IF NOT EXISTS runs_finished ON runs (finished_at)`,
  `CREATE TABLE IF NOT EXISTS artifacts (
    id TEXT COLLATE "C" PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL UNIQUE,
    run_id TEXT COLLATE "C",
    name TEXT COLLATE "C" NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT COLLATE "C" NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0,
    metadata TEXT COLLATE "C"
  )`,
  `CREATE INDEX IF NOT EXISTS artifacts_run ON artifacts (run_id)`,
  `CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT COLLATE "C" NOT NULL,
    seq INTEGER NOT NULL,
    time TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS cts_schema (version INTEGER NOT NULL)`
]

/** Columns added after revision 1, as in the SQLite schema; each raises the stored version to its `version`. */
const addedColumns: ReadonlyArray<{ readonly version: number; readonly table: string; readonly column: string; readonly type: string }> = [
  { version: 2, table: "runs", column: "cancel_requested_at", type: `TEXT COLLATE "C"` },
  /** The instance executing (or holding in its queue) the run, and until when its lease holds unless renewed. */
  { version: 3, table: "runs", column: "lease_owner", type: `TEXT COLLATE "C"` },
  { version: 3, table: "runs", column: "lease_expires_at", type: `TEXT COLLATE "C"` }
]

/** Data changes that go with a revision, run once when the stored version is below it (as in the SQLite schema). */
const revisionUpdates: Readonly<Record<number, ReadonlyArray<string>>> = {
  /** Runs left unfinished by a version without leases: leased by their old host, already expired, so they are recovered. */
  3: [`UPDATE runs SET lease_owner = host, lease_expires_at = '1970-01-01T00:00:00.000Z' WHERE status IN ('queued', 'running') AND lease_expires_at IS NULL`]
}

/** Arbitrary key of the advisory lock that serialises migrations of processes starting at once. */
const MIGRATION_LOCK = 7_243_117

/** Creates the tables and adds later columns when missing, in one transaction under an advisory lock. */
export const migratePg = (sql: SqlClient) =>
  sql.withTransaction(
    Effect.gen(function* () {
      yield* sql.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
      for (const statement of statements) yield* sql.unsafe(statement)
      const stored = (yield* sql.unsafe<{ version: number }>("SELECT version FROM cts_schema"))[0]?.version ?? 0
      for (const { table, column, type } of addedColumns) yield* sql.unsafe(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`)
      const version = addedColumns.reduce((v, c) => Math.max(v, c.version), 1)
      for (const [revision, updates] of Object.entries(revisionUpdates)) {
        if (stored > 0 && stored < Number(revision)) for (const update of updates) yield* sql.unsafe(update)
      }
      yield* sql.unsafe("DELETE FROM cts_schema")
      yield* sql.unsafe(`INSERT INTO cts_schema (version) VALUES (${version})`)
    })
  )
