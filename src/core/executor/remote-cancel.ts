import { Effect } from "effect"
import { SystemError, type CtsError } from "../errors.js"
import type { RunStoreService } from "../store/run-store.js"
import { isTerminalStatus, type CancelOutcome, type RunRecord } from "./executor.js"

/** How often a process with queued or running runs looks for cancels asked from other processes. */
export const CANCEL_POLL_MS = 200
/** How long a cancel of another process's run waits for that process to end the run. */
export const REMOTE_CANCEL_WAIT_MS = 10_000
const CHECK_MS = 50

/**
 * Cancels a run that another process sharing the data dir executes: records the request in the store
 * (that process polls for it and cancels the run as a local cancel would), then waits until the run has ended.
 */
export const cancelElsewhere = (
  runs: RunStoreService,
  get: (id: string) => Effect.Effect<RunRecord, CtsError>,
  id: string
): Effect.Effect<CancelOutcome, CtsError> =>
  Effect.gen(function* () {
    yield* runs.requestCancel(id)
    const deadline = Date.now() + REMOTE_CANCEL_WAIT_MS
    for (;;) {
      const run = yield* get(id)
      if (isTerminalStatus(run.status)) return { run, outcome: run.status === "canceled" ? "canceled" : "already_finished" }
      if (Date.now() >= deadline) {
        return yield* new SystemError({
          code: "cancel_not_confirmed",
          message: `Cancel of run ${id} was recorded, but the process executing it has not ended the run within ${REMOTE_CANCEL_WAIT_MS / 1000} s`,
          suggestedAction: "Check the run's status again shortly; if that process hangs, stop it (the run is then marked interrupted)"
        })
      }
      yield* Effect.sleep(CHECK_MS)
    }
  })

/**
 * Runs forever (fork it in the executor's scope): while `localRuns()` is not empty, asks the store every
 * `everyMs` which of them another process asked to cancel, and cancels each once with `cancelLocal`.
 */
export const watchCancelRequests = (
  runs: RunStoreService,
  localRuns: () => ReadonlyArray<string>,
  cancelLocal: (id: string) => Effect.Effect<unknown, CtsError>,
  everyMs = CANCEL_POLL_MS
): Effect.Effect<never> => {
  const started = new Set<string>()
  const check = Effect.suspend(() => {
    const ids = localRuns()
    for (const id of started) if (!ids.includes(id)) started.delete(id)
    if (ids.length === 0) return Effect.void
    return Effect.flatMap(runs.cancelRequested(ids), requested =>
      Effect.forEach(
        requested.filter(id => !started.has(id)),
        id => (started.add(id), Effect.fork(Effect.ignore(cancelLocal(id)))),
        { discard: true }
      )
    )
  }).pipe(Effect.ignore)
  return Effect.forever(Effect.zipRight(Effect.sleep(everyMs), check))
}
