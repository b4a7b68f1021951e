import type { RunRecord } from "../core/executor/executor.js"
import { isTerminalStatus } from "../model/run.js"
import { onInterrupt } from "./cli-context.js"
import type { CtsClient } from "../client/cts-client.js"
import type { Output } from "./output.js"
import { createLiveTableView, liveTablesEnabled } from "./live-table.js"
import { formatEvent } from "./present.js"
import { createProgressBar } from "./progress-bar.js"

/** How a watched run ended for this process. */
export interface WatchOutcome {
  /** The run's record when it could be read (always, unless a detach lost the connection). */
  readonly run: RunRecord | null
  /** Ctrl-C: embedded runs were canceled, remote ones left running (detached). */
  readonly interrupted: boolean
  readonly detached: boolean
}

/** How to say the cancel command for this client. */
export const cancelHint = (client: CtsClient, runId: string): string =>
  client.mode === "remote" ? `cts runs cancel ${runId} --server ${client.location}` : `cts runs cancel ${runId}`

/**
 * Follows a run until it ends: a progress bar on a terminal, log lines when `follow`, Ctrl-C
 * cancels an embedded run (and waits for its record to say so) or detaches from a remote one.
 */
export const watchRun = async (
  client: CtsClient,
  runId: string,
  options: { readonly out: Output; readonly follow: boolean; readonly label: string }
): Promise<WatchOutcome> => {
  const { out, follow } = options
  const bar = out.json || !out.interactive ? createProgressBar("", { isTTY: false } as NodeJS.WriteStream) : createProgressBar(options.label)
  const view = liveTablesEnabled(out.json) ? createLiveTableView(out.paint) : null
  const abort = new AbortController()
  let interrupted = false
  let detached = false
  const uninstall = onInterrupt(() => {
    if (interrupted) return
    interrupted = true
    if (client.mode === "remote") {
      detached = true
      abort.abort()
      return
    }
    bar.interject(`Canceling run ${runId}…`)
    client.cancel(runId).catch((error: unknown) => {
      bar.interject(`Cancel failed: ${(error as Error).message}`)
      abort.abort()
    })
  })
  try {
    try {
      for await (const event of client.followEvents(runId, 0, abort.signal)) {
        if (event.type === "progress") {
          bar.update(event.fraction, event.note)
        } else if (view && event.type === "log" && (event.data !== undefined || follow)) {
          bar.stop()
          view.event(event, follow || !(event.level === "debug" || event.level === "info"))
        } else if (event.type === "log") {
          const quietLevel = event.level === "debug" || event.level === "info"
          if (follow || !quietLevel) {
            const text = formatEvent(event, out.paint)
            if (text === null) continue
            if (follow && !out.json) {
              bar.stop()
              out.line(text)
            } else bar.interject(text)
          }
        } else if (event.type === "end") {
          bar.update(1)
          break
        } else if (follow) {
          const text = formatEvent(event, out.paint)
          if (text !== null) {
            if (out.json) bar.interject(text)
            else if (view) view.line(text)
            else {
              bar.stop()
              out.line(text)
            }
          }
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error
    }
  } finally {
    bar.stop()
    view?.stop()
    uninstall()
  }
  if (detached) {
    out.log.warn(`Detached from run ${runId}; it keeps running on the server.`)
    out.log.info(`Follow it again with: cts logs ${runId} --follow --server ${client.location}`)
    out.log.info(`Cancel it with: ${cancelHint(client, runId)}`)
    return { run: await client.getRun(runId).catch(() => null), interrupted, detached }
  }
  let run = await client.getRun(runId)
  for (let i = 0; i < 50 && !isTerminalStatus(run.status); i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    run = await client.getRun(runId)
  }
  return { run, interrupted, detached }
}
