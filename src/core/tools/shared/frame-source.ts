import type { CanFrame } from "../../can/can-frame.js"
import { readCanCsv, type CsvFrame } from "../../can/csv-reader.js"
import { openLog } from "../../log/open-log.js"
import type { ReadLimits } from "../../log/log-limits.js"
import type { LogStats } from "../../log/log-stats.js"
import type { ResolvedInput, ToolContext } from "../define-tool.js"

/** Reports read progress of one pass: fraction of input bytes consumed. */
export type PassProgress = (fraction: number) => void

/** The inputs' byte streams, wrapped so progress is reported as bytes are taken from them. */
export const countedInputs = (inputs: ReadonlyArray<ResolvedInput>, onProgress: PassProgress | undefined): Array<AsyncIterable<Uint8Array>> => {
  const total = inputs.reduce((s, i) => s + i.size, 0) || 1
  let seen = 0
  let lastReport = 0
  return inputs.map(input => ({
    [Symbol.asyncIterator]: async function* () {
      for await (const chunk of input.open()) {
        seen += chunk.length
        if (onProgress && (seen - lastReport > total / 200 || seen === total)) {
          lastReport = seen
          onProgress(Math.min(1, seen / total))
        }
        yield chunk
      }
    }
  }))
}

/** One pass over a log's CAN frames plus, once it has finished, the reader's counters. */
export interface FramePass {
  readonly batches: AsyncIterable<ReadonlyArray<CanFrame>>
  /** The log reader's stats (final after the batches are exhausted); undefined for CSV input. */
  readonly stats: () => LogStats | undefined
}

/** Opens one pass over the `can` frames (sendcan excluded) of the run's log inputs, read in order as one route. */
export const openRlogFrames = (
  inputs: ReadonlyArray<ResolvedInput>,
  signal: AbortSignal,
  onProgress?: PassProgress,
  limits?: Partial<ReadLimits>
): FramePass => {
  const reader = openLog(inputs.length === 1 ? countedInputs(inputs, onProgress)[0] : countedInputs(inputs, onProgress), { signal, limits })
  return { batches: reader.frames(), stats: () => reader.stats }
}

/** Opens one pass over the frames of CAN CSV inputs (either dialect), read in order. */
export const openCsvFrames = (
  inputs: ReadonlyArray<ResolvedInput>,
  onProgress?: PassProgress
): { readonly batches: AsyncIterable<ReadonlyArray<CsvFrame>> } => {
  const streams = countedInputs(inputs, onProgress)
  return {
    batches: {
      [Symbol.asyncIterator]: async function* () {
        for (const s of streams) yield* readCanCsv(s)
      }
    }
  }
}

/** A progress reporter for pass `index` of `passes` (0-based), mapped into [from, to] of the run. */
export const passProgress =
  (ctx: Pick<ToolContext<unknown>, "progress">, index: number, passes: number, note: string, from = 0, to = 1): PassProgress =>
  fraction =>
    ctx.progress(from + ((to - from) * (index + fraction)) / passes, note)

/** Logs the reader's non-fatal warnings (truncated log, malformed events…) and returns them for the summary. */
export const reportLogWarnings = (ctx: Pick<ToolContext<unknown>, "log">, stats: LogStats | undefined): Array<{ code: string; message: string }> => {
  const warnings = (stats?.warnings ?? []).map(w => ({ code: w.code, message: w.message }))
  for (const w of warnings.slice(0, 10)) ctx.log("warn", `${w.code}: ${w.message}`)
  return warnings
}
