import { canCsvHeaderLine, formatCabanaRow, formatOldToolsRow, type OldToolsSegment } from "../../can/csv-format.js"
import type { ReadOptions } from "../../log/log-pipeline.js"
import type { LogSource } from "../../log/log-source.js"
import type { LogStats } from "../../log/log-stats.js"
import { openLog } from "../../log/open-log.js"
import type { RlogToCsvParams } from "./params.js"

/** What a conversion did. Times are ns (logMonoTime); `null` when there was no CAN frame. */
export interface RlogToCsvSummary {
  framesRead: number
  framesWritten: number
  /** logMonoTime of the first CAN frame: the zero of every param time. */
  firstFrameNs: number | null
  windowStartNs: number | null
  /** Exclusive end of the written window; `null` = to the end of the log. */
  windowEndNs: number | null
  firstWrittenNs: number | null
  lastWrittenNs: number | null
  stats: LogStats | null
}

const toNs = (seconds: number) => Math.round(seconds * 1e9)

/** A fresh summary to pass to `rlogToCsvChunks`. */
export const emptySummary = (): RlogToCsvSummary => ({
  framesRead: 0,
  framesWritten: 0,
  firstFrameNs: null,
  windowStartNs: null,
  windowEndNs: null,
  firstWrittenNs: null,
  lastWrittenNs: null,
  stats: null
})

/**
 * Streams the CSV text of a log's CAN frames (sendcan excluded): the header line, then one chunk of
 * rows per batch of frames read. Fills `summary` as it goes; `summary.stats` is set at the end.
 */
export async function* rlogToCsvChunks(
  source: LogSource,
  params: RlogToCsvParams,
  options: ReadOptions = {},
  summary: RlogToCsvSummary = emptySummary()
): AsyncGenerator<string> {
  const reader = openLog(source, options)
  const cabana = params.format === "cabana"
  const buses = params.bus ? new Set(params.bus) : undefined
  const addressSet = params.addresses ? new Set(params.addresses) : undefined
  let base = 0
  let start = 0
  let end = Infinity
  let markStart = 0
  let markEnd = Infinity
  yield canCsvHeaderLine(params.format)
  // Columns, not frame objects: with a narrow filter most frames are only looked at, never written.
  for await (const c of reader.columns()) {
    const { times, addresses, srcs, ends, data } = c
    if (summary.firstFrameNs === null && c.count > 0) {
      base = summary.firstFrameNs = times[0]!
      start = summary.windowStartNs = base + toNs(params.window_start)
      end = params.window_dur === undefined ? Infinity : start + toNs(params.window_dur)
      summary.windowEndNs = Number.isFinite(end) ? end : null
      markStart = params.mark_start === undefined ? start : base + toNs(params.mark_start)
      markEnd = params.mark_start === undefined ? end : params.mark_dur === undefined ? Infinity : markStart + toNs(params.mark_dur)
    }
    summary.framesRead += c.count
    let out = ""
    for (let i = 0; i < c.count; i++) {
      const t = times[i]!
      const src = srcs[i]!
      const address = addresses[i]!
      if (t < start || t >= end || (buses && !buses.has(src)) || (addressSet && !addressSet.has(address))) continue
      const frameData = data.subarray(i === 0 ? 0 : ends[i - 1]!, ends[i]!)
      if (cabana) out += formatCabanaRow({ timeNs: t - base, src, address, data: frameData }) + "\n"
      else {
        const segment: OldToolsSegment = t < markStart ? "pre" : t < markEnd ? "window" : "post"
        out += formatOldToolsRow({ timeNs: t, src, address, data: frameData, segment }) + "\n"
      }
      summary.framesWritten++
      summary.firstWrittenNs ??= t
      summary.lastWrittenNs = t
    }
    if (out.length > 0) yield out
  }
  summary.stats = reader.stats
}

/**
 * Converts a log (or a route's segments) to CSV, handing text chunks to `write` as frames arrive and
 * awaiting it (backpressure). Returns what it did; read errors are the log reader's ToolErrors.
 */
export const rlogToCsv = async (
  source: LogSource,
  params: RlogToCsvParams,
  write: (chunk: string) => void | Promise<void>,
  options: ReadOptions = {}
): Promise<RlogToCsvSummary> => {
  const summary = emptySummary()
  for await (const chunk of rlogToCsvChunks(source, params, options, summary)) await write(chunk)
  return summary
}
