import { hostname } from "node:os"
import { Effect } from "effect"
import type { CtsError } from "../../model/errors.js"
import type { RunError } from "../../model/run.js"
import { NO_LEASE_EXPIRY, type LeasedRun, type RunStoreService } from "../store/run-store.js"
import { hostAlive } from "../util/process-instance.js"

/** How long a run's lease holds unless its owner renews it, how often owners renew, and how often every executor looks for lost runs. */
export interface LeaseTiming {
  readonly leaseMs: number
  readonly renewMs: number
  readonly sweepMs: number
}

/** Defaults: a 30 s lease renewed every 10 s; lost runs looked for every 15 s (and when an executor starts). */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseMs: 30_000, renewMs: 10_000, sweepMs: 15_000 }

/** The lease owner id of an executor instance: `<hostname>/<pid>:<instance>`. */
export const leaseOwnerId = (instanceHost: string): string => `${hostname()}/${instanceHost}`

/**
 * Whether a lease's owner is known gone before its lease expires: an owner on this machine whose
 * process has exited (or, in this process, whose executor was closed). Owners on other machines,
 * and ids without a hostname, are judged by their lease's expiry alone.
 */
export const ownerKnownGone = (owner: string): boolean => {
  const slash = owner.lastIndexOf("/")
  return slash > 0 && owner.slice(0, slash) === hostname() && !hostAlive(owner.slice(slash + 1))
}

/** The error of a run whose owner is gone: `interrupted` when it is known gone (or left the run without a lease), else `worker_lost`. */
export const lostRunError = (run: LeasedRun, knownGone: boolean): RunError =>
  knownGone || run.expiresAt === NO_LEASE_EXPIRY
    ? {
        category: "tool_error",
        code: "interrupted",
        message: "The run was interrupted: cts-lite stopped while the run was queued or running",
        suggestedAction: "Submit the run again"
      }
    : {
        category: "system_error",
        code: "worker_lost",
        message: `The process executing the run (${run.owner}) stopped renewing its lease, which expired at ${run.expiresAt}`,
        suggestedAction: "Submit the run again"
      }

/**
 * Finds the unfinished runs whose owner is gone (lease expired, or owner known gone), takes over each
 * lease with a compare-and-set (so of several processes that noticed, one acts), and hands the run to
 * `recover` (which ends it failed). Runs `self` holds are never touched. Returns the ids recovered.
 */
export const recoverLostRuns = (
  runs: RunStoreService,
  self: string,
  timing: LeaseTiming,
  recover: (run: LeasedRun, error: RunError) => Effect.Effect<void, CtsError>
): Effect.Effect<ReadonlyArray<string>, CtsError> =>
  Effect.gen(function* () {
    const now = Date.now()
    const recovered: Array<string> = []
    for (const run of yield* runs.leasedRuns) {
      if (run.owner === self) continue
      const gone = ownerKnownGone(run.owner)
      if (!gone && Date.parse(run.expiresAt) >= now) continue
      if (!(yield* runs.claimLease(run, self, new Date(now + timing.leaseMs).toISOString()))) continue
      yield* recover(run, lostRunError(run, gone))
      recovered.push(run.id)
    }
    return recovered
  })

/**
 * Runs forever (fork it in the executor's scope): renews this owner's leases every `renewMs` and looks
 * for lost runs every `sweepMs`. Store errors are retried on the next tick.
 */
export const keepLeases = (
  runs: RunStoreService,
  self: string,
  timing: LeaseTiming,
  recover: (run: LeasedRun, error: RunError) => Effect.Effect<void, CtsError>
): Effect.Effect<never> => {
  const renew = Effect.suspend(() => runs.renewLeases(self, new Date(Date.now() + timing.leaseMs).toISOString())).pipe(Effect.ignore)
  const sweep = recoverLostRuns(runs, self, timing, recover).pipe(Effect.ignore)
  return Effect.zipRight(
    Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(timing.sweepMs), sweep))),
    Effect.forever(Effect.zipRight(Effect.sleep(timing.renewMs), renew))
  ).pipe(Effect.scoped) as Effect.Effect<never>
}
