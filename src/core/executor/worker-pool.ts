import { Worker } from "node:worker_threads"
import { Effect, type Scope } from "effect"
import type { CtsError } from "../errors.js"
import { takePrestartedWorker } from "./worker-prestart.js"
import { requireWorkerUrl } from "./worker-url.js"

/**
 * Hands out fresh tool workers. A spare is started a moment after a run ends, so the next run begins
 * without the thread's start-up, while a run's own start never competes with a spare loading and a
 * process that closes after one run (the CLI) never starts one.
 */
export interface WorkerPool {
  /** A started worker, terminated when the scope closes. Each worker runs exactly one job. */
  readonly acquire: Effect.Effect<Worker, CtsError, Scope.Scope>
}

/** Time after a run ends before the pool starts a spare worker. */
export const SPARE_DELAY_MS = 1_000

/** Builds the pool; up to `spares` idle workers are kept warm (they never keep the process alive). */
export const makeWorkerPool = (spares = 1): Effect.Effect<WorkerPool, never, Scope.Scope> =>
  Effect.gen(function* () {
    const idle = new Set<Worker>()
    let closed = false
    let refillTimer: ReturnType<typeof setTimeout> | undefined

    const watch = (worker: Worker): Worker => {
      worker.once("exit", () => idle.delete(worker))
      worker.on("error", () => idle.delete(worker))
      return worker
    }
    const spawn = (): Worker => watch(new Worker(requireWorkerUrl(), { stdout: true, stderr: true }))
    const prestarted = takePrestartedWorker()
    if (prestarted) idle.add(watch(prestarted))
    const refill = () => {
      refillTimer = undefined
      while (!closed && idle.size < spares) {
        const worker = spawn()
        worker.unref()
        idle.add(worker)
      }
    }
    const refillSoon = () => {
      if (closed || refillTimer !== undefined || idle.size >= spares) return
      refillTimer = setTimeout(refill, SPARE_DELAY_MS)
      refillTimer.unref()
    }

    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        closed = true
        clearTimeout(refillTimer)
        const all = [...idle]
        idle.clear()
        await Promise.all(all.map(w => w.terminate()))
      })
    )

    const take = Effect.try({
      try: () => {
        const spare = idle.values().next().value as Worker | undefined
        let worker: Worker
        if (spare) {
          idle.delete(spare)
          spare.ref()
          worker = spare
        } else {
          worker = spawn()
        }
        return worker
      },
      catch: e => e as CtsError
    })
    const release = (worker: Worker) =>
      Effect.promise(async () => {
        await worker.terminate()
        refillSoon()
      })
    return { acquire: Effect.acquireRelease(take, release) }
  })
