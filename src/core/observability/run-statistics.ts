import { Effect } from "effect"
import type { CtsError } from "../errors.js"
import { Executor, type RunStatus } from "../executor/executor.js"

/** Run counts by tool and status, and the durations of finished runs (for metrics). */
export interface RunStatistics {
  readonly counts: ReadonlyArray<{ readonly toolId: string; readonly status: RunStatus; readonly count: number }>
  /** Seconds from start to finish, per finished run that started. */
  readonly durations: ReadonlyArray<{ readonly toolId: string; readonly status: RunStatus; readonly seconds: number }>
}

/** Walks every persisted run (all owners) page by page and tallies them. */
export const collectRunStatistics: Effect.Effect<RunStatistics, CtsError, Executor> = Effect.gen(function* () {
  const executor = yield* Executor
  const counts = new Map<string, { toolId: string; status: RunStatus; count: number }>()
  const durations: Array<{ toolId: string; status: RunStatus; seconds: number }> = []
  let cursor: string | undefined
  do {
    const page = yield* executor.list({ limit: 500, ...(cursor ? { cursor } : {}) })
    for (const run of page.items) {
      const key = `${run.toolId}\u0000${run.status}`
      const entry = counts.get(key)
      if (entry) entry.count++
      else counts.set(key, { toolId: run.toolId, status: run.status, count: 1 })
      if (run.startedAt && run.finishedAt) {
        durations.push({ toolId: run.toolId, status: run.status, seconds: (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 })
      }
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return { counts: [...counts.values()], durations }
})
