import { Effect } from "effect"
import type { SqlClient } from "@effect/sql/SqlClient"

/** Tables of the run store; `user_version` tracks the schema revision. */
const statements = [
  `CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    tool_id TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    name TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    params TEXT NOT NULL,
    inputs TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    timeout_ms INTEGER NOT NULL,
    progress TEXT,
    error TEXT,
    summary TEXT,
    host TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS runs_status ON runs (status)`,
  `CREATE INDEX IF NOT EXISTS runs_finished ON runs (finished_at)`,
  `CREATE TABLE IF NOT EXISTS artifacts (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    run_id TEXT,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0,
    metadata TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS artifacts_run ON artifacts (run_id)`,
  `CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID`,
  `PRAGMA user_version = 1`
]

/** Columns added after revision 1, in order; each raises `user_version` to its `version`. */
const addedColumns: ReadonlyArray<{ readonly version: number; readonly table: string; readonly column: string; readonly type: string }> = [
  /** When a cancel was asked for from any process; the process running the run polls it. */
  { version: 2, table: "runs", column: "cancel_requested_at", type: "TEXT" },
  /** The instance executing (or holding in its queue) the run, and until when its lease holds unless renewed. */
  { version: 3, table: "runs", column: "lease_owner", type: "TEXT" },
  { version: 3, table: "runs", column: "lease_expires_at", type: "TEXT" }
]

/** Data changes that go with a revision, run once when the schema reaches it. */
const revisionUpdates: Readonly<Record<number, ReadonlyArray<string>>> = {
  /** Runs left unfinished by a version without leases: leased by their old host, already expired, so they are recovered. */
  3: [`UPDATE runs SET lease_owner = host, lease_expires_at = '1970-01-01T00:00:00.000Z' WHERE status IN ('queued', 'running') AND lease_expires_at IS NULL`]
}
const LATEST_VERSION = 3

const hasColumn = (sql: SqlClient, table: string, column: string) =>
  Effect.map(sql.unsafe<{ name: string }>(`SELECT name FROM pragma_table_info('${table}') WHERE name = ?`, [column]), rows => rows.length > 0)

const userVersion = (sql: SqlClient) => Effect.map(sql.unsafe<{ user_version: number }>("PRAGMA user_version"), rows => rows[0]?.user_version ?? 0)

/**
 * Creates the tables and brings them to the latest revision. Idempotent, and safe when several
 * processes open a new data dir at once: the whole migration runs in one `BEGIN IMMEDIATE`
 * transaction (one writer at a time; the others wait on the busy timeout, then find it done).
 */
export const migrate = (sql: SqlClient) =>
  Effect.gen(function* () {
    yield* sql.unsafe("PRAGMA busy_timeout = 5000")
    yield* sql.unsafe("PRAGMA synchronous = NORMAL")
    if ((yield* userVersion(sql)) >= LATEST_VERSION) return
    yield* sql.unsafe("BEGIN IMMEDIATE")
    yield* migrateLocked(sql).pipe(
      Effect.zipRight(sql.unsafe("COMMIT")),
      Effect.tapError(() => Effect.ignore(sql.unsafe("ROLLBACK")))
    )
  })

const migrateLocked = (sql: SqlClient) =>
  Effect.gen(function* () {
    const from = yield* userVersion(sql)
    if (from >= LATEST_VERSION) return
    for (const statement of statements) yield* sql.unsafe(statement)
    for (const { version, table, column, type } of addedColumns) {
      if (!(yield* hasColumn(sql, table, column))) {
        yield* sql
          .unsafe(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`)
          .pipe(Effect.catchAll(e => (String(e.cause ?? e.message).includes("duplicate column") ? Effect.void : Effect.fail(e))))
      }
      yield* sql.unsafe(`PRAGMA user_version = ${version}`)
    }
    for (const [version, updates] of Object.entries(revisionUpdates)) {
      if (from < Number(version)) for (const update of updates) yield* sql.unsafe(update)
    }
  })
