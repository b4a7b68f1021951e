import { Effect } from "effect"
import type { CtsError } from "../../model/errors.js"
import type { RunRecord } from "../../model/run.js"
import type { LogStreamService } from "../run-events/log-stream.js"
import type { RunStoreService } from "../store/run-store.js"
import type { WorkerHooks } from "./run-worker.js"

/** Log lines kept per run; later lines are dropped (with one warning) so a chatty tool cannot flood the store. */
export const MAX_LOG_LINES_PER_RUN = 20_000

/**
 * Where a running tool's events go: log lines and progress into the run's event stream (and the
 * record's progress), input hashes into the record. `hashed` updates the caller's copy of the
 * record's inputs and returns the new list (null when the run is no longer known).
 */
export const makeRunHooks = (
  id: string,
  runs: RunStoreService,
  logs: LogStreamService,
  hashed: (index: number, sha256: string) => RunRecord["inputs"] | null
): WorkerHooks => {
  let lines = 0
  return {
    log: (level, source, message, data) =>
      Effect.suspend((): Effect.Effect<unknown, CtsError> => {
        lines++
        if (lines <= MAX_LOG_LINES_PER_RUN) return logs.append(id, { type: "log", level, source, message, ...(data ? { data } : {}) })
        if (lines > MAX_LOG_LINES_PER_RUN + 1) return Effect.void
        return logs.append(id, {
          type: "log",
          level: "warn",
          source: "executor",
          message: `More than ${MAX_LOG_LINES_PER_RUN} log lines: further lines are dropped`
        })
      }).pipe(Effect.ignore),
    progress: (fraction, note) =>
      Effect.ignore(
        Effect.zipRight(
          runs.updateRun(id, { progress: { fraction, ...(note !== undefined ? { note } : {}) } }),
          logs.append(id, { type: "progress", fraction, ...(note !== undefined ? { note } : {}) })
        )
      ),
    artifactStored: () => Effect.void,
    inputHashed: (index, sha256) =>
      Effect.suspend(() => {
        const inputs = hashed(index, sha256)
        return inputs === null ? Effect.void : Effect.ignore(runs.updateRun(id, { inputs }))
      })
  }
}
