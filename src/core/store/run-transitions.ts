import { Effect } from "effect"
import type { SystemError } from "../../model/errors.js"
import { isTerminalStatus, type RunRecord, type RunStatus } from "../../model/run.js"
import { createRunTally, RUN_DURATION_BUCKETS, secondsBetween, type RunStatistics } from "../../model/run-statistics.js"
import type { RunCache } from "./run-cache.js"
import type { RunPatch } from "./run-store.js"

type Query = <A extends object>(text: string, params?: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<A>, SystemError>

/** What the store does around each run write so the cache and the run figures follow it. */
export interface RunTransitions {
  /** After a run was inserted; `executesHere`: this process executes it (its live record may be cached). */
  readonly inserted: (run: RunRecord, executesHere: boolean) => Effect.Effect<void>
  /** Runs `write` (the UPDATE of `patch`), then updates the cache and, on a status change, the figures. */
  readonly updated: <E>(id: string, patch: RunPatch, write: Effect.Effect<unknown, E>) => Effect.Effect<void, E | SystemError>
  readonly snapshot: () => RunStatistics
}

/** Seeds the run figures from the stored runs (once, when the store opens) and keeps them and the cache in step with writes. */
export const makeRunTransitions = (query: Query, cache: RunCache): Effect.Effect<RunTransitions, SystemError> =>
  Effect.gen(function* () {
    const tally = createRunTally()
    const counts = yield* query<{ tool_id: string; status: RunStatus; n: number }>("SELECT tool_id, status, COUNT(*) AS n FROM runs GROUP BY tool_id, status")
    for (const c of counts) tally.add(c.tool_id, c.status, Number(c.n))
    const finished = yield* query<{ tool_id: string; status: RunStatus; started_at: string; finished_at: string }>(
      "SELECT tool_id, status, started_at, finished_at FROM runs WHERE started_at IS NOT NULL AND finished_at IS NOT NULL"
    )
    for (const r of finished) tally.observe(r.tool_id, r.status, secondsBetween(r.started_at, r.finished_at))

    const before = (id: string) => {
      const cached = cache.get(id)
      if (cached !== undefined) return Effect.succeed({ toolId: cached.toolId, status: cached.status, startedAt: cached.startedAt })
      return query<{ tool_id: string; status: RunStatus; started_at: string | null }>("SELECT tool_id, status, started_at FROM runs WHERE id = ?", [id]).pipe(
        Effect.map(rows => (rows[0] ? { toolId: rows[0].tool_id, status: rows[0].status, startedAt: rows[0].started_at } : null))
      )
    }

    return {
      inserted: (run, executesHere) =>
        Effect.sync(() => {
          if (executesHere) cache.inserted(run)
          tally.add(run.toolId, run.status, 1)
        }),
      updated: (id, patch, write) => {
        const next = patch.status
        if (next === undefined)
          return Effect.zipRight(
            write,
            Effect.sync(() => cache.patched(id, patch))
          )
        return Effect.gen(function* () {
          const prior = yield* before(id)
          yield* write
          cache.patched(id, patch)
          if (prior === null || prior.status === next) return
          tally.add(prior.toolId, prior.status, -1)
          tally.add(prior.toolId, next, 1)
          const startedAt = patch.startedAt !== undefined ? patch.startedAt : prior.startedAt
          if (isTerminalStatus(next) && !isTerminalStatus(prior.status) && startedAt && patch.finishedAt) {
            tally.observe(prior.toolId, next, secondsBetween(startedAt, patch.finishedAt))
          }
        })
      },
      snapshot: tally.snapshot
    }
  })

/**
 * The run figures counted by the database in two grouped queries (counts, and the duration histogram with
 * one SUM per bucket): for a store several nodes write, where no node's running totals see every transition.
 */
export const countRunStatistics = (query: Query, secondsBetween: (start: string, end: string) => string): Effect.Effect<RunStatistics, SystemError> =>
  Effect.gen(function* () {
    const counts = yield* query<{ tool_id: string; status: RunStatus; n: number }>("SELECT tool_id, status, COUNT(*) AS n FROM runs GROUP BY tool_id, status")
    const dur = secondsBetween("started_at", "finished_at")
    const buckets = RUN_DURATION_BUCKETS.map((b, i) => `SUM(CASE WHEN d <= ${b} THEN 1 ELSE 0 END) AS b${i}`).join(", ")
    const rows = yield* query<Record<string, string | number>>(
      `SELECT tool_id, status, COUNT(*) AS n, SUM(d) AS total, ${buckets} FROM
       (SELECT tool_id, status, ${dur} AS d FROM runs WHERE started_at IS NOT NULL AND finished_at IS NOT NULL) AS finished
       GROUP BY tool_id, status`
    )
    return {
      counts: counts.map(c => ({ toolId: c.tool_id, status: c.status, count: Number(c.n) })),
      durations: rows.map(r => ({
        toolId: String(r.tool_id),
        status: r.status as RunStatus,
        histogram: { buckets: RUN_DURATION_BUCKETS.map((_, i) => Number(r[`b${i}`])), sum: Number(r.total), count: Number(r.n) }
      }))
    }
  })
