import { Effect, Layer } from "effect"
import { CtsConfig } from "../config.js"
import type { SystemError } from "../errors.js"
import type { RunStore } from "./run-store.js"
import { RunStoreSqlite } from "./sqlite-run-store.js"

/** True when a `store` setting names a PostgreSQL database. */
export const isPostgresStore = (store: string | undefined): store is string => store !== undefined && /^postgres(ql)?:\/\//.test(store)

/**
 * The RunStore the config's `store` names: PostgreSQL for a `postgres://` URL, else SQLite in the data dir.
 * The PostgreSQL store (and its client library) is imported only when it is configured.
 */
export const RunStoreFromConfig: Layer.Layer<RunStore, SystemError | import("effect/ConfigError").ConfigError, CtsConfig> = Layer.unwrapEffect(
  Effect.flatMap(CtsConfig, config => {
    const url = config.store
    return isPostgresStore(url)
      ? Effect.promise(() => import("./pg-run-store.js")).pipe(Effect.map(m => m.RunStorePostgres(url)))
      : Effect.succeed(RunStoreSqlite)
  })
)
