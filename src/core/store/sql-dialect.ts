import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Effect } from "effect"

/** What differs between the SQL engines the run store runs on; the queries themselves are shared. */
export interface SqlDialect {
  /** Creates or upgrades the tables (idempotent, safe when several processes start at once). */
  readonly migrate: (sql: SqlClient) => Effect.Effect<void, SqlError>
  /** The statement as the driver wants it (the shared queries mark bind parameters with `?`). */
  readonly statement: (text: string) => string
  /** SQL that is true when text column `haystack` contains the text of `needle`. */
  readonly contains: (haystack: string, needle: string) => string
  /**
   * Set when nodes on several hosts write the store (PostgreSQL): run figures are then counted in the
   * database at each read, since no node sees every transition; the expression gives the seconds
   * between two ISO-8601 text columns.
   */
  readonly sharedSecondsBetween?: (start: string, end: string) => string
  /** What to check when a query fails. */
  readonly suggestedAction: string
}

/** The `?` bind-parameter markers numbered as `$1, $2, …` (PostgreSQL); the shared queries hold no other `?`. */
export const numberedParameters = (text: string): string => {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}
