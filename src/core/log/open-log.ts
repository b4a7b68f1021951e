import type { CanFrame } from "../can/can-frame.js"
import { isKnownEventTag } from "./event-tags.js"
import type { LogEvent } from "./log-event.js"
import { logError } from "./log-errors.js"
import { resolveReadLimits } from "./log-limits.js"
import { type ReadOptions, readLog } from "./log-pipeline.js"
import { EventSink, FrameSink } from "./log-sinks.js"
import { type FrameColumns, readFrameColumns } from "./frame-pack.js"
import { PackedFrameSink, readColumnBatches } from "./packed-frame-sink.js"
import type { LogSource } from "./log-source.js"
import { type LogStats, StatsCollector } from "./log-stats.js"

/** Options of `LogReader.frames`. */
export interface FrameOptions {
  /** Also yield the frames of `sendcan` events (frames openpilot asked to send); default false, as in the oracles. */
  readonly includeSendcan?: boolean
}

/**
 * A one-pass reader over a log. Iterate either `events()` or `frames()` once; both yield batches
 * (arrays) so there is no per-event async overhead. Fatal problems throw a ToolError (`bad_segment_table`,
 * `decompression_failed`, `checksum_mismatch`, `aborted`) after the events read before them were yielded.
 */
export interface LogReader {
  /** Every event, decoded (`can`/`sendcan` frames, carState, pandaStates, initData, sentinel; others by tag only). */
  events(): AsyncIterable<ReadonlyArray<LogEvent>>
  /** The CAN frames of `can` events in file order (sendcan excluded unless asked). Frame data views the log's bytes. */
  frames(options?: FrameOptions): AsyncIterable<ReadonlyArray<CanFrame>>
  /**
   * The same frames as `frames()`, as column batches (times, addresses, src bytes, payload bytes + ends)
   * of up to 8,192 frames: no frame object is built, for consumers that look at most frames only briefly.
   */
  columns(options?: FrameOptions): AsyncIterable<FrameColumns>
  /** Counters so far; complete once iteration has finished. */
  readonly stats: LogStats
}

/**
 * Opens a log (raw, zstd or bzip2, detected by magic bytes) or a route's segments for streaming reads in
 * constant memory. Works with any AsyncIterable of bytes or a web ReadableStream, so it runs in browsers too.
 */
export const openLog = (source: LogSource, options: ReadOptions = {}): LogReader => {
  const stats = new StatsCollector(isKnownEventTag)
  const { maxCanPayloadBytes } = resolveReadLimits(options.limits)
  let started = false
  const start = () => {
    if (started) throw logError("log_already_read", "This LogReader has already been iterated; a log source can be read once.")
    started = true
  }
  return {
    events() {
      start()
      return readLog(source, stats, new EventSink(stats, maxCanPayloadBytes), options)
    },
    frames(frameOptions = {}) {
      start()
      return readLog(source, stats, new FrameSink(stats, frameOptions.includeSendcan ?? false, maxCanPayloadBytes), options)
    },
    async *columns(frameOptions = {}) {
      start()
      const sink = new PackedFrameSink(stats, frameOptions.includeSendcan ?? false, maxCanPayloadBytes, 8192, 8192 * 16, bytes => new ArrayBuffer(bytes))
      for await (const buffer of readColumnBatches(source, stats, sink, options)) yield readFrameColumns(buffer)
    },
    get stats() {
      return stats.snapshot()
    }
  }
}
