import { prestartToolWorker } from "../core/executor/worker-prestart.js"
import { resolveSettings, type GlobalFlags } from "./settings.js"

/**
 * For an embedded `cts run <tool> …`: starts the run's worker thread before the command and the core are
 * loaded, so the worker loads its tool on the other core meanwhile. The process only waits for this run,
 * so the worker keeps normal priority. Settings errors are left for the command to report.
 */
export const prestartRunWorker = async (argv: ReadonlyArray<string>, flags: GlobalFlags): Promise<void> => {
  if (argv[0] !== "run") return
  const settings = await resolveSettings(flags).catch(() => null)
  if (settings === null || settings.server !== null) return
  const tool = argv[1]
  prestartToolWorker({ ...(tool !== undefined && !tool.startsWith("-") ? { preloadToolId: tool } : {}), lowPriority: false })
}
