import { Effect, Option } from "effect"
import type { CtsError } from "../errors.js"
import { Executor } from "../executor/executor.js"
import { RunStore } from "../store/run-store.js"
import { createRunTally, secondsBetween, type RunStatistics } from "../../model/run-statistics.js"

export type { RunStatistics } from "../../model/run-statistics.js"

/** Walks every persisted run (all owners) page by page and tallies them (cost grows with the number of runs). */
export const scanRunStatistics: Effect.Effect<RunStatistics, CtsError, Executor> = Effect.gen(function* () {
  const executor = yield* Executor
  const tally = createRunTally()
  let cursor: string | undefined
  do {
    const page = yield* executor.list({ limit: 500, ...(cursor ? { cursor } : {}) })
    for (const run of page.items) {
      tally.add(run.toolId, run.status, 1)
      if (run.startedAt && run.finishedAt) tally.observe(run.toolId, run.status, secondsBetween(run.startedAt, run.finishedAt))
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return tally.snapshot()
})

/**
 * The run figures: the run store's running totals when it keeps them (the SQLite store does; constant
 * cost per scrape), otherwise a scan of every run.
 */
export const collectRunStatistics: Effect.Effect<RunStatistics, CtsError, Executor> = Effect.flatMap(Effect.serviceOption(RunStore), store =>
  Option.isSome(store) && store.value.statistics ? store.value.statistics : scanRunStatistics
)
