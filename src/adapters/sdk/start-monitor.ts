import type { RunRecord } from "../../core/executor/executor.js"
import type { RunEvent } from "../../core/run-events/log-stream.js"
import { monitorSubmission, requireMonitor, type MonitorSourceSpec } from "../../core/monitors/monitor-request.js"
import { createCts, type CreateCtsOptions, type CtsClient } from "./create-cts.js"

export interface StartMonitorOptions {
  /** `{ panda: serial | null }`, `{ simulate: file }` or `{ path: file }`. */
  readonly source: MonitorSourceSpec
  /** The monitor's params (window_s, preset, format, duration_s…). */
  readonly params?: Record<string, unknown>
  readonly name?: string
  /** Reuse a long-lived client; otherwise one is started and closed when the monitor ends. */
  readonly cts?: CtsClient
  readonly config?: CreateCtsOptions
}

/**
 * A running monitor: iterate its events (log, progress, status, end); `stop()` ends it. A client started
 * for it is closed once the monitor ended and no iteration is open (iterate before it ends, or pass `cts`).
 */
export interface MonitorSession extends AsyncIterable<RunEvent> {
  readonly runId: string
  /** Stops the monitor (finished results are kept) and resolves with its final record. */
  stop(): Promise<RunRecord>
  /** Resolves with the final record once it ends (stopped, duration reached, source ended or failed). */
  readonly done: Promise<RunRecord>
}

/**
 * Starts a monitor (can-bus-check, can-capture…) and returns its live events plus `stop()`. Rejects with
 * a ValidationError before anything runs (not a monitor, bad params, missing file).
 */
export const startMonitor = async (monitorId: string, options: StartMonitorOptions): Promise<MonitorSession> => {
  const cts = options.cts ?? (await createCts(options.config))
  try {
    requireMonitor((await cts.capabilities()).tools, monitorId)
    const { input, params } = monitorSubmission(options.source, options.params)
    const run = await cts.submit(monitorId, { input, params, ...(options.name !== undefined ? { name: options.name } : {}) })
    let iterating = 0
    let ended = false
    const maybeClose = () => {
      if (!options.cts && ended && iterating === 0) void cts.close()
    }
    const done = cts.wait(run.id).finally(() => {
      ended = true
      setTimeout(maybeClose, 100)
    })
    async function* events(): AsyncGenerator<RunEvent> {
      iterating++
      try {
        yield* cts.logs(run.id, { follow: true })
      } finally {
        iterating--
        maybeClose()
      }
    }
    return {
      runId: run.id,
      done,
      [Symbol.asyncIterator]: () => events(),
      stop: async () => {
        await cts.cancel(run.id)
        return done
      }
    }
  } catch (e) {
    if (!options.cts) await cts.close()
    throw e
  }
}
