import { Worker } from "node:worker_threads"
import { Effect, type Scope } from "effect"
import type { CtsError } from "../errors.js"
import { requireWorkerUrl } from "./worker-url.js"

/** Hands out fresh tool workers; one spare is kept started (module loading done) so runs begin at once. */
export interface WorkerPool {
  /** A started worker, terminated when the scope closes. Each worker runs exactly one job. */
  readonly acquire: Effect.Effect<Worker, CtsError, Scope.Scope>
}

/** Builds the pool; `spares` idle workers are kept warm (they never keep the process alive). */
export const makeWorkerPool = (spares = 1): Effect.Effect<WorkerPool, never, Scope.Scope> =>
  Effect.gen(function* () {
    const idle = new Set<Worker>()
    let closed = false

    const spawn = (): Worker => {
      const worker = new Worker(requireWorkerUrl(), { stdout: true, stderr: true })
      worker.once("exit", () => idle.delete(worker))
      worker.on("error", () => idle.delete(worker))
      return worker
    }
    const refill = () => {
      while (!closed && idle.size < spares) {
        const worker = spawn()
        worker.unref()
        idle.add(worker)
      }
    }

    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        closed = true
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
        refill()
        return worker
      },
      catch: e => e as CtsError
    })
    return { acquire: Effect.acquireRelease(take, w => Effect.promise(() => w.terminate())) }
  })
