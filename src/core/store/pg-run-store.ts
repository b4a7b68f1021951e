import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { SystemError } from "../errors.js"
import { migratePg } from "./pg-schema.js"
import { RunStore } from "./run-store.js"
import { numberedParameters, type SqlDialect } from "./sql-dialect.js"
import { makeSqlRunStore } from "./sqlite-run-store.js"

/** PostgreSQL: `$n` bind parameters, `strpos`, migrations under an advisory lock. */
export const pgDialect: SqlDialect = {
  migrate: migratePg,
  statement: numberedParameters,
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  sharedSecondsBetween: (start, end) => `EXTRACT(EPOCH FROM (${end}::timestamptz - ${start}::timestamptz))`,
  suggestedAction: "Check that the PostgreSQL server is reachable and the database user may create tables and write"
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^:/@]*):[^@]*@/, "$1:***@")

/** Options of the PostgreSQL run store. */
export interface PgRunStoreOptions {
  /** Pool size per process (default 10). */
  readonly maxConnections?: number
}

/**
 * RunStore in a PostgreSQL database (`postgres://user:password@host:port/database`): the SQLite
 * store's schema and queries, so several server and worker processes on several hosts share runs,
 * events and artifact metadata. Tables are created or upgraded when the layer is built.
 */
export const RunStorePostgres = (url: string, options: PgRunStoreOptions = {}): Layer.Layer<RunStore, SystemError> =>
  Layer.effect(RunStore, makeSqlRunStore(pgDialect)).pipe(
    Layer.provide(
      PgClient.layer({
        url: Redacted.make(url),
        maxConnections: options.maxConnections ?? 10,
        connectTimeout: "10 seconds",
        applicationName: "cts-lite"
      })
    ),
    Layer.mapError(e =>
      e instanceof SystemError
        ? e
        : new SystemError({
            code: "store_unreachable",
            message: `Cannot open the PostgreSQL run store at ${redactUrl(url)}: ${e.cause instanceof Error ? e.cause.message : e.message}`,
            suggestedAction: "Check that PostgreSQL is running and reachable, and the URL's user, password and database",
            details: { store: redactUrl(url) }
          })
    )
  )
