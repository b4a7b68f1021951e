import { Context, Effect, Layer } from "effect"
import { ArtifactStore } from "../artifacts/artifact-store.js"
import type { ToolDefinition } from "../tools/define-tool.js"
import { runInProcess } from "./in-process-runner.js"
import { runInWorker, type ToolRun, type WorkerOutcome } from "./run-worker.js"
import { makeWorkerPool } from "./worker-pool.js"

export type { ToolRun, WorkerHooks, WorkerOutcome } from "./run-worker.js"

/** Runs one tool to its end (completed, failed, or stopped by cancel or timeout); artifacts go through the ArtifactStore. */
export interface ToolRunnerService {
  readonly run: (run: ToolRun) => Effect.Effect<WorkerOutcome>
}

/**
 * The ToolRunner port. Layers: `ToolRunner.layerWorkerThreads` (default: each run in its own
 * `node:worker_threads` Worker with a hard stop, from a pool keeping a warm spare between runs) and
 * `ToolRunner.layerInProcess(tools)` (on the calling thread, for tests of the core's logic).
 */
export class ToolRunner extends Context.Tag("cts/ToolRunner")<ToolRunner, ToolRunnerService>() {
  static readonly layerWorkerThreads: Layer.Layer<ToolRunner, never, ArtifactStore> = Layer.scoped(
    ToolRunner,
    Effect.gen(function* () {
      const store = yield* ArtifactStore
      const pool = yield* makeWorkerPool(1)
      return { run: run => runInWorker({ ...run, store, pool }) }
    })
  )

  /**
   * Runs the given tools on the calling thread: same params decoding, input checks, artifact writes
   * and cancel/timeout outcomes as a worker, but no hard stop (a tool must honour its signal) and no
   * console capture. For tests with the memory layers; never for the server.
   */
  static readonly layerInProcess = (tools: ReadonlyArray<ToolDefinition>): Layer.Layer<ToolRunner, never, ArtifactStore> =>
    Layer.effect(
      ToolRunner,
      Effect.map(ArtifactStore, store => ({ run: run => runInProcess(tools, run, store) }))
    )
}
