import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { builtEntryUrl } from "../util/built-entry-url.js"

/** What a tool worker reads from its `workerData` before its first job. */
export interface WorkerStartData {
  /** A tool whose module the worker starts importing at once, before its job arrives. */
  readonly preloadToolId?: string
  /** False: the thread keeps normal priority (a process that only waits for its run); default true. */
  readonly lowPriority?: boolean
}

/** Starts a tool worker thread (dist/worker.js); null when the worker entry has not been built. */
export const startToolWorker = (data: WorkerStartData = {}): Worker | null => {
  const url = builtEntryUrl("worker.js")
  if (!existsSync(fileURLToPath(url))) return null
  return new Worker(url, { stdout: true, stderr: true, workerData: data })
}

let prestarted: { worker: Worker; exited: boolean } | null = null

/**
 * Starts one tool worker now, so its module loading overlaps the caller's own start-up (the CLI loading
 * the runtime); the next worker pool created in this process takes it for its first run. It does not
 * keep the process alive and is dropped if it exits before being taken.
 */
export const prestartToolWorker = (data: WorkerStartData): void => {
  if (prestarted !== null) return
  const worker = startToolWorker(data)
  if (worker === null) return
  const entry = { worker, exited: false }
  worker.once("exit", () => (entry.exited = true))
  worker.on("error", () => undefined)
  worker.unref()
  prestarted = entry
}

/** The worker `prestartToolWorker` started, once, if it is still alive. */
export const takePrestartedWorker = (): Worker | undefined => {
  const entry = prestarted
  prestarted = null
  return entry && !entry.exited ? entry.worker : undefined
}
