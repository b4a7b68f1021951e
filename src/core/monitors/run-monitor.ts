import type { CanFrame } from "../can/can-frame.js"
import { isCtsError } from "../errors.js"
import type { ToolContext, ToolResult } from "../tools/define-tool.js"
import { toCtsError } from "../tools/shared/run-async.js"
import type { MonitorSourceParams } from "./monitor-params.js"
import { type MonitorSource, openMonitorSource } from "./monitor-source.js"

/** How a monitor's frame loop ended, and the step that turns its results into the run's outcome. */
export interface MonitorEnd {
  readonly label: string
  /** `source_end`, `duration_or_source_end`, `stopped`, `stopped_while_starting` or the error code of a failing source. */
  readonly endedBy: string
  readonly frames: number
  /**
   * Call after writing the artifacts: returns the run result, or throws the source's error (e.g.
   * `device_lost`) so the run ends `failed` while the artifacts written from the frames so far are kept.
   */
  finish(summary: Record<string, unknown>): ToolResult
}

/**
 * Runs a monitor's frame loop: opens its source, hands every batch to `onBatch` until the source ends,
 * the duration passes or the run is stopped, and closes the source. `onOpen` sees the source before the first batch. A source failure mid-stream does not
 * throw here: the monitor still writes what it has, then `finish` reports the failure.
 */
export const runMonitor = async (
  ctx: ToolContext<MonitorSourceParams>,
  toolId: string,
  onBatch: (batch: ReadonlyArray<CanFrame>, source: MonitorSource) => void | Promise<void>,
  onOpen?: (source: MonitorSource) => void
): Promise<MonitorEnd> => {
  if (ctx.signal.aborted) {
    ctx.log("info", `${toolId} was stopped while starting, before its source was opened`)
    return {
      label: "not opened",
      endedBy: "stopped_while_starting",
      frames: 0,
      finish: summary => ({ summary: { source: "not opened", ended_by: "stopped_while_starting", frames_received: 0, ...summary } })
    }
  }
  const source = await openMonitorSource(ctx, toolId)
  const stoppedWhileStarting = ctx.signal.aborted
  if (stoppedWhileStarting) ctx.log("info", `${toolId} was stopped while starting: ${source.label} was opened and closed again before any frame was read`)
  else onOpen?.(source)
  if (!stoppedWhileStarting)
    ctx.log("info", `${toolId} reading ${source.label}${ctx.params.duration_s ? ` for ${ctx.params.duration_s} s` : " until stopped or the source ends"}`)
  let frames = 0
  let failure: unknown
  try {
    for await (const batch of source.frames) {
      frames += batch.length
      await onBatch(batch, source)
    }
  } catch (e) {
    failure = e
  } finally {
    await source.close()
  }
  const error = failure === undefined ? undefined : toCtsError(toolId, ctx.signal, failure)
  const endedBy = error
    ? error.code
    : stoppedWhileStarting
      ? "stopped_while_starting"
      : ctx.signal.aborted
        ? "stopped"
        : ctx.params.duration_s !== undefined
          ? "duration_or_source_end"
          : "source_end"
  const counters = source.counters()
  if (error) ctx.log("error", `${toolId}: ${error.message} (${frames} frames received before it; results so far are kept)`)
  return {
    label: source.label,
    endedBy,
    frames,
    finish(summary) {
      if (error) throw isCtsError(error) ? error : toCtsError(toolId, ctx.signal, error)
      return {
        summary: {
          source: source.label,
          ended_by: endedBy,
          frames_received: frames,
          ...(Object.keys(counters).length > 0 ? { receive: counters } : {}),
          ...summary
        }
      }
    }
  }
}
