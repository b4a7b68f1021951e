import { randomBytes } from "node:crypto"
import { rm, statfs, writeFile } from "node:fs/promises"
import path from "node:path"
import { Effect, Option } from "effect"
import { CtsConfig, DEFAULT_MIN_FREE_BYTES } from "../config.js"
import { Executor } from "../executor/executor.js"
import { ToolRegistry } from "../registry/tool-registry.js"
import type { ArtifactStore } from "../artifacts/artifact-store.js"
import { PRIVATE_FILE_MODE } from "../util/private-files.js"
import { RunQueue } from "../executor/run-queue.js"
import { checkDependencies, type DependenciesHealth } from "./dependency-health.js"

/** What `checkHealth` found; `ok` is false when any check failed. */
export interface HealthReport {
  readonly ok: boolean
  readonly storage: { readonly ok: boolean; readonly dataDir: string; readonly error?: string }
  readonly registry: { readonly ok: boolean; readonly tools: number }
  /** Runs waiting (on a shared queue: everyone's) and running here; `workers` = nodes taking runs from a shared queue (null: in-process queue). */
  readonly executor: { readonly queued: number; readonly running: number; readonly workers: number | null }
  /** The run store, the artifact storage and the run queue: reachable, and how fast. */
  readonly dependencies: DependenciesHealth
}

/** Probes the services: the data dir accepts a write (leaving no file) and has `minFreeBytes` free, the registry has tools, the run store, artifact storage and run queue answer, and the executor's queue depth and workers. */
export const checkHealth: Effect.Effect<HealthReport, never, CtsConfig | ToolRegistry | Executor | ArtifactStore> = Effect.gen(function* () {
  const config = yield* CtsConfig
  const registry = yield* ToolRegistry
  const executor = yield* Executor
  const probe = path.join(config.dataDir, `.health-${randomBytes(6).toString("hex")}`)
  const minFree = config.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES
  const storage = yield* Effect.tryPromise(async () => {
    try {
      await writeFile(probe, "ok", { mode: PRIVATE_FILE_MODE })
    } finally {
      await rm(probe, { force: true })
    }
    const fs = await statfs(config.dataDir)
    if (fs.bavail * fs.bsize < minFree) throw new Error(`Free space in the data dir is below the ${minFree}-byte threshold (CTS_MIN_FREE_BYTES)`)
  }).pipe(
    Effect.as({ ok: true, dataDir: config.dataDir }),
    Effect.catchAll(e => Effect.succeed({ ok: false, dataDir: config.dataDir, error: String((e.error as Error)?.message ?? e.error) }))
  )
  const tools = (yield* registry.list).length
  const depth = yield* executor.queueDepth
  const dependencies = yield* checkDependencies
  const queue = yield* Effect.serviceOption(RunQueue)
  const workers =
    Option.isSome(queue) && queue.value.workers && dependencies.queue?.ok
      ? yield* queue.value.workers.pipe(
          Effect.map(list => list.length),
          Effect.orElseSucceed(() => null)
        )
      : null
  return {
    ok: storage.ok && tools > 0 && dependencies.store.ok && dependencies.artifacts.ok && (dependencies.queue?.ok ?? true),
    storage,
    registry: { ok: tools > 0, tools },
    executor: { queued: depth.queued, running: depth.running, workers },
    dependencies
  }
})
