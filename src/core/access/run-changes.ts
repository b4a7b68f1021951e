import { Effect, Option, Stream, type Scope } from "effect"
import { Executor, type RunRecord } from "../executor/executor.js"
import { LogStream } from "../run-events/log-stream.js"

/**
 * Joins the changes of `principal`'s runs (submitted, started, progressing, ended) for the lifetime of
 * the scope, and gives them as a stream of each changed run's current record: the live feed behind a
 * runs list. Every change after the effect has returned is seen; runs of other principals never are.
 */
export const followRunChanges = (principal: string): Effect.Effect<Stream.Stream<RunRecord, never, Executor>, never, LogStream | Scope.Scope> =>
  Effect.map(
    Effect.flatMap(LogStream, logs => logs.changes),
    changes =>
      changes.pipe(
        Stream.mapEffect(event => Effect.option(Effect.flatMap(Executor, e => e.get(event.runId)))),
        Stream.filterMap(found => Option.filter(found, run => run.owner === principal))
      )
  )
