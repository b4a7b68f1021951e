import { Effect, Option } from "effect"
import { ArtifactStore } from "../artifacts/artifact-store.js"
import { CtsConfig } from "../config.js"
import { RunQueue } from "../executor/run-queue.js"
import { RunStore } from "../store/run-store.js"

/** One dependency as the health check saw it. */
export interface DependencyHealth {
  /** `sqlite` / `postgres` for the run store, `local` / `s3` for artifacts, `memory` / `redis` for the run queue. */
  readonly backend: string
  readonly ok: boolean
  /** Round trip of the probe, ms. */
  readonly latencyMs: number
  readonly error?: string
}

/** A probe that does not answer in this time counts as a failure. */
export const DEPENDENCY_TIMEOUT_MS = 3000

const timed = (backend: string, probe: Effect.Effect<unknown, unknown>): Effect.Effect<DependencyHealth> =>
  Effect.gen(function* () {
    const started = performance.now()
    const outcome = yield* probe.pipe(
      Effect.timeoutFail({ duration: DEPENDENCY_TIMEOUT_MS, onTimeout: () => new Error(`no answer within ${DEPENDENCY_TIMEOUT_MS} ms`) }),
      Effect.either
    )
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    if (outcome._tag === "Right") return { backend, ok: true, latencyMs }
    const e = outcome.left as { message?: string }
    return { backend, ok: false, latencyMs, error: e?.message ?? String(outcome.left) }
  })

/** The dependencies `checkDependencies` probes; `queue` when the RunQueue service is in context. */
export interface DependenciesHealth {
  readonly store: DependencyHealth
  readonly artifacts: DependencyHealth
  readonly queue?: DependencyHealth
}

/**
 * Probes the run store (one indexed read; through the artifact metadata when the RunStore service is
 * not in context), the artifact storage (its `ping`) and the run queue (its `ping`), concurrently, each with a timeout.
 */
export const checkDependencies: Effect.Effect<DependenciesHealth, never, CtsConfig | ArtifactStore> = Effect.gen(function* () {
  const queue = yield* Effect.serviceOption(RunQueue)
  const config = yield* CtsConfig
  const artifacts = yield* ArtifactStore
  const runs = yield* Effect.serviceOption(RunStore)
  const storeProbe = Option.isSome(runs)
    ? runs.value.lastSeq("health-probe")
    : artifacts.stat("health-probe").pipe(
        Effect.catchIf(
          e => e.code === "artifact_not_found",
          () => Effect.void
        )
      )
  return yield* Effect.all(
    {
      store: timed(config.store?.startsWith("postgres") ? "postgres" : "sqlite", storeProbe),
      artifacts: timed(config.artifacts?.startsWith("s3://") ? "s3" : "local", artifacts.ping ?? Effect.void),
      ...(Option.isSome(queue) ? { queue: timed(queue.value.backend, queue.value.ping ?? Effect.void) } : {})
    },
    { concurrency: 2 }
  )
})
