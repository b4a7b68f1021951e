import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Redacted } from "effect"

const HOW_TO_START = 'start them with `eval "$(scripts/test-services.sh start)"` (docs/development.md)'
const warned = new Set<string>()

/**
 * The URL of a test service from `variable` (set by `.ci/run` or `scripts/test-services.sh start`).
 * Outside CI an unset URL means "skip these tests" and says so once; with CI=true it is an error.
 */
export const serviceUrl = (variable: "CTS_TEST_PG_URL" | "CTS_TEST_REDIS_URL", what: string): string | undefined => {
  const url = process.env[variable]?.trim()
  if (url) return url
  if (process.env.CI === "true") throw new Error(`${variable} is not set, but CI=true: ${what} must run in CI; ${HOW_TO_START}`)
  if (!warned.has(variable)) {
    warned.add(variable)
    console.warn(`[skipped] ${what}: ${variable} is not set; ${HOW_TO_START}`)
  }
  return undefined
}

/** `CTS_TEST_PG_URL`, or undefined (tests skipped) outside CI. */
export const pgUrl = (): string | undefined => serviceUrl("CTS_TEST_PG_URL", "PostgreSQL run-store tests")

const onServer = <A>(url: string, use: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(Layer.build(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), ctx => use(Context.get(ctx, SqlClient.SqlClient)))
    )
  )

/** A new empty database on the test server (its URL) and a function that drops it. */
export const freshPgDatabase = async (url: string): Promise<{ readonly url: string; readonly drop: () => Promise<void> }> => {
  const name = `cts_t_${randomBytes(5).toString("hex")}`
  await onServer(url, sql => sql.unsafe(`CREATE DATABASE ${name}`))
  const dbUrl = new URL(url)
  dbUrl.pathname = `/${name}`
  return { url: dbUrl.href, drop: () => onServer(url, sql => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) }
}
