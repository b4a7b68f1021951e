// A run's worker thread. Unless told to keep normal priority, it lowers its own priority first, so that even
// loading the tool modules (a few hundred ms of CPU) does not compete with the thread serving requests.
import { workerData } from "node:worker_threads"
import { yieldToMainThread } from "./thread-priority.js"
import type { WorkerStartData } from "./worker-prestart.js"

const start = (workerData ?? {}) as WorkerStartData
if (start.lowPriority !== false) yieldToMainThread()
const preloadToolId = start.preloadToolId
if (preloadToolId !== undefined) {
  // Imported again (from the module cache) when the job names it; a failure is reported then.
  void import("../tools/builtin-modules.js")
    .then(m => (Object.hasOwn(m.builtinToolModules, preloadToolId) ? m.builtinToolModules[preloadToolId]!() : undefined))
    .catch(() => undefined)
}
await import("./worker-main.js")
