import { hostname } from "node:os"
import { Effect, Exit, ManagedRuntime } from "effect"
import { readServiceConfigFile } from "../../core/config-file.js"
import { isRedisQueue } from "../../core/config-rules.js"
import type { CoreFlags } from "../../core/config-source.js"
import { resolveConfig } from "../../core/config-defaults.js"
import { ValidationError } from "../../core/errors.js"
import { Executor } from "../../core/executor/executor.js"
import { RunQueue } from "../../core/executor/run-queue.js"
import { RunQueueFromConfig } from "../../core/executor/run-queue-layer.js"
import { makeCtsLayer, type CtsLayerOptions } from "../../core/runtime.js"
import { errorOfCause } from "../sdk/effect-bridge.js"

/** Options of `startWorker`. */
export interface StartWorkerOptions {
  /** Core options (queue, store, artifacts, concurrency, extra tool modules…); the rest from `CTS_*` and the config file's `[core]`. */
  readonly core?: CtsLayerOptions
  /** Environment for `CTS_*` (default `process.env`). */
  readonly env?: Record<string, string | undefined>
  /** TOML/JSON config file (default `CTS_CONFIG_FILE`); `null` = none. Only its `[core]` table is read. */
  readonly configFile?: string | null
  /** Command-line values (`cts worker --queue/--store/--artifacts/--concurrency`): over `CTS_*`, under `core`. */
  readonly flags?: CoreFlags
}

/** A running worker node. */
export interface RunningWorker {
  /** `host:pid`, as the queue and the run leases name this node. */
  readonly name: string
  /** The queue URL, password hidden. */
  readonly queue: string
  /** Runs this node executes at once. */
  readonly concurrency: number
  /** Runs executing on this node now. */
  readonly running: () => Promise<number>
  /**
   * Stops taking runs, waits up to `drainMs` (default 0) for the runs executing here to end, then stops;
   * runs still executing then end `failed` with `interrupted` (submit them again).
   */
  readonly close: (drainMs?: number) => Promise<void>
}

/**
 * Starts a worker node: the core with a consuming BullMQ queue (`queue` = `redis://…`), which takes
 * runs submitted by any server sharing that queue and the same run store and artifact storage, and
 * executes up to `concurrency` at once in worker threads. Rejects with a typed error when no shared
 * queue is configured or a backend cannot be reached.
 */
export const startWorker = async (options: StartWorkerOptions = {}): Promise<RunningWorker> => {
  const env = options.env ?? process.env
  const coreFile = readServiceConfigFile(env, options.configFile).core
  const coreFlags = options.flags ?? {}
  const core: CtsLayerOptions = { ...(coreFile !== undefined ? { coreFile } : {}), coreFlags, ...options.core }
  const config = resolveConfig(core, env, coreFile, coreFlags)
  if (!isRedisQueue(config.queue)) {
    throw new ValidationError({
      code: "queue_required",
      message: "A worker takes runs from a shared queue, but no queue is configured (the queue is memory: runs stay in the process that submits them).",
      suggestedAction: "Pass --queue redis://host:6379 (or set CTS_QUEUE), the same queue, store and artifacts as the servers"
    })
  }
  const runtime = ManagedRuntime.make(makeCtsLayer({ env, ...core }, { runQueue: RunQueueFromConfig(true) }))
  try {
    const started = await runtime.runPromiseExit(Effect.void)
    if (Exit.isFailure(started)) throw errorOfCause(started.cause)
  } catch (e) {
    await runtime.dispose().catch(() => {})
    throw e
  }
  let closing: Promise<void> | null = null
  const running = () => runtime.runPromise(Effect.flatMap(Executor, e => e.queueDepth)).then(d => d.running)
  return {
    name: `${hostname()}:${process.pid}`,
    queue: config.queue.replace(/:[^:@/]*@/, ":***@"),
    concurrency: config.concurrency,
    running,
    close: (drainMs = 0) => {
      closing ??= (async () => {
        await runtime.runPromise(Effect.flatMap(RunQueue, q => q.stopTaking ?? Effect.void)).catch(() => {})
        const deadline = Date.now() + drainMs
        while (Date.now() < deadline && (await running().catch(() => 0)) > 0) await new Promise(r => setTimeout(r, 100))
        await runtime.dispose()
      })()
      return closing
    }
  }
}
