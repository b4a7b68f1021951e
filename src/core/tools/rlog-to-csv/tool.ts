import { formatNsAsSeconds } from "../../can/csv-format.js"
import { defineTool, type ToolContext, type ToolResult } from "../define-tool.js"
import { hashInputs } from "../shared/analysis-artifacts.js"
import { RlogToCsvParams } from "./params.js"
import { emptySummary, rlogToCsvChunks } from "./rlog-to-csv.js"

const ID = "rlog-to-csv"
const OUTPUT = "frames.csv"

const seconds = (ns: number | null, base: number | null) => (ns === null || base === null ? null : formatNsAsSeconds(ns - base))

/** A typed warning when frames.csv holds only its header (unless the log is already reported empty). */
const noRowsWarning = (read: number, written: number, known: ReadonlyArray<{ readonly code: string }>): Array<{ code: string; message: string }> => {
  if (written > 0 || known.some(w => w.code === "empty_log")) return []
  return read === 0
    ? [{ code: "no_can_frames", message: `The log has no CAN frames: ${OUTPUT} holds only its header.` }]
    : [{ code: "no_frames_written", message: `None of the ${read} CAN frames passed the window, bus and address filters: ${OUTPUT} holds only its header.` }]
}

const run = async (ctx: ToolContext<RlogToCsvParams>): Promise<ToolResult> => {
  const total = ctx.inputs.reduce((s, i) => s + i.size, 0) || 1
  const summary = emptySummary()
  const body = rlogToCsvChunks(
    ctx.inputs.map(i => i.open()),
    ctx.params,
    { signal: ctx.signal, limits: ctx.readLimits, onProgress: bytes => ctx.progress(Math.min(1, bytes / total), "reading log") },
    summary
  )
  await ctx.artifacts.write(OUTPUT, "text/csv", body, async () => ({
    format: ctx.params.format,
    time_base: "seconds after the first CAN frame (old-tools timestamp: logMonoTime seconds)",
    inputs: (await hashInputs(ctx)).map(i => ({ name: i.name, sha256: i.sha256 }))
  }))
  const stats = summary.stats!
  const warnings = [...stats.warnings, ...noRowsWarning(summary.framesRead, summary.framesWritten, stats.warnings)]
  for (const w of warnings) ctx.log("warn", w.message)
  const base = summary.firstFrameNs
  const span =
    summary.framesWritten > 0 ? ` from ${seconds(summary.firstWrittenNs, base)} s to ${seconds(summary.lastWrittenNs, base)} s after the first CAN frame` : ""
  ctx.log(
    "info",
    `Wrote ${summary.framesWritten} of ${summary.framesRead} CAN frames${span} to ${OUTPUT} (${ctx.params.format}); read ${stats.totalEvents} events, ${stats.bytesIn} bytes (${stats.compression ?? "no data"}).`
  )
  ctx.progress(1, "done")
  return {
    summary: {
      frames_written: summary.framesWritten,
      frames_read: summary.framesRead,
      events: stats.totalEvents,
      sendcan_frames_skipped: stats.sendcanFrames,
      first_can_frame_ns: base,
      written_span_s: summary.framesWritten > 0 ? [seconds(summary.firstWrittenNs, base), seconds(summary.lastWrittenNs, base)] : null,
      window_s: [seconds(summary.windowStartNs, base), summary.windowEndNs === null ? null : seconds(summary.windowEndNs, base)],
      compression: stats.compression,
      unknown_tags: stats.unknownTags,
      warnings: warnings.map(w => w.code),
      malformed_events: stats.malformedEvents,
      oversized_can_frames: stats.oversizedCanFrames
    }
  }
}

/** rlog-to-csv: a log's CAN frames as one CSV (old tools' or cabana's dialect), streamed as it reads. */
export const rlogToCsvTool = defineTool({
  id: ID,
  name: "rlog to CSV",
  description:
    "Converts an openpilot rlog/qlog (raw, .zst or .bz2; a route's segments in order) into a CAN CSV, written as it streams: the old tools' `window,segment,timestamp,address,bus,data_hex` or cabana's `time,addr,bus,data`. Only `can` frames (sendcan excluded); bus = raw src. Filters: a time window (seconds after the first CAN frame), buses, addresses.",
  category: "analyzer",
  version: "1.0.0",
  params: RlogToCsvParams,
  inputs: [{ kind: "rlog", description: "An rlog or qlog (raw, .zst or .bz2); several inputs are a route's segments, read in order.", multiple: true }],
  outputs: [{ name: OUTPUT, contentType: "text/csv", description: "One row per CAN frame in file order; timestamps exact to the nanosecond (9 decimals)." }],
  defaultTimeoutMs: 30 * 60_000,
  run
})
