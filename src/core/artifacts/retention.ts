import { Context, Effect, Layer, Runtime } from "effect"
import { CtsConfig } from "../config.js"
import type { CtsError } from "../errors.js"
import { RunStore } from "../store/run-store.js"
import { ArtifactStore } from "./artifact-store.js"

/** What a retention sweep did. */
export interface SweepReport {
  /** False when no retention period is configured (nothing is ever swept). */
  readonly enabled: boolean
  /** Artifacts of runs finished (and uploads created) before this instant were due. */
  readonly cutoff: string | null
  readonly deletedArtifacts: number
  readonly freedBytes: number
  readonly failures: ReadonlyArray<{ readonly id: string; readonly key: string; readonly message: string }>
}

export interface RetentionService {
  /** Hard-deletes expired artifacts in small batches, yielding between files; one failure never stops the sweep. */
  readonly sweep: Effect.Effect<SweepReport, CtsError>
}

export class Retention extends Context.Tag("cts/Retention")<Retention, RetentionService>() {}

const BATCH = 100
const SWEEP_EVERY_MS = 60 * 60 * 1000
const FIRST_SWEEP_AFTER_MS = 30 * 1000

const make = Effect.gen(function* () {
  const config = yield* CtsConfig
  const runs = yield* RunStore
  const store = yield* ArtifactStore
  let running: Promise<unknown> | null = null

  const sweep: Effect.Effect<SweepReport, CtsError> = Effect.gen(function* () {
    if (config.retentionDays === null) {
      return { enabled: false, cutoff: null, deletedArtifacts: 0, freedBytes: 0, failures: [] }
    }
    const cutoff = new Date(Date.now() - config.retentionDays * 86_400_000).toISOString()
    let deletedArtifacts = 0
    let freedBytes = 0
    const failures: Array<SweepReport["failures"][number]> = []
    let after = ""
    for (;;) {
      const batch = yield* runs.expiredArtifacts(cutoff, after, BATCH)
      if (batch.length === 0) break
      for (const meta of batch) {
        after = meta.id
        const outcome = yield* Effect.either(store.delete(meta.id))
        if (outcome._tag === "Right") {
          deletedArtifacts++
          freedBytes += meta.size
        } else {
          failures.push({ id: meta.id, key: meta.key, message: outcome.left.message })
        }
        yield* Effect.yieldNow()
      }
    }
    return { enabled: true, cutoff, deletedArtifacts, freedBytes, failures }
  })

  const runtime = yield* Effect.runtime<never>()
  if (config.retentionDays !== null) {
    const tick = () => {
      if (running) return
      running = Runtime.runPromise(runtime)(Effect.ignore(sweep)).finally(() => (running = null))
    }
    const first = setTimeout(tick, FIRST_SWEEP_AFTER_MS)
    const every = setInterval(tick, SWEEP_EVERY_MS)
    first.unref()
    every.unref()
    yield* Effect.addFinalizer(() => Effect.sync(() => (clearTimeout(first), clearInterval(every))))
  }
  return { sweep } satisfies RetentionService
})

/** Retention sweeps: on demand, and (when `retentionDays` is set) in the background every hour without keeping the process alive. */
export const RetentionLive: Layer.Layer<Retention, never, CtsConfig | RunStore | ArtifactStore> = Layer.scoped(Retention, make)
