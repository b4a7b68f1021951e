import { Stream } from "effect"
import type { CanFrame } from "../can/can-frame.js"
import { ToolError } from "../errors.js"
import type { LogEvent } from "./log-event.js"
import type { ReadOptions } from "./log-pipeline.js"
import type { LogSource } from "./log-source.js"
import { type FrameOptions, openLog } from "./open-log.js"

/** Options of the Effect streams: read options plus, for frames, `includeSendcan`. */
export type LogStreamOptions = ReadOptions & FrameOptions

const asToolError = (e: unknown): ToolError =>
  e instanceof ToolError
    ? e
    : new ToolError({
        code: "log_read_failed",
        message: `Reading the log failed: ${e instanceof Error ? e.message : String(e)}`,
        suggestedAction: "Check that the input can be read (file present, stream not closed early).",
        details: {}
      })

/**
 * The log's CAN frames as an Effect Stream of batches (sendcan excluded unless asked). Interrupting
 * the stream closes the source. Errors are the reader's ToolErrors; a failing source becomes `log_read_failed`.
 */
export const frameStream = (source: LogSource, options: LogStreamOptions = {}): Stream.Stream<ReadonlyArray<CanFrame>, ToolError> =>
  Stream.suspend(() => Stream.fromAsyncIterable(openLog(source, options).frames(options), asToolError))

/** The log's decoded events as an Effect Stream of batches. */
export const eventStream = (source: LogSource, options: ReadOptions = {}): Stream.Stream<ReadonlyArray<LogEvent>, ToolError> =>
  Stream.suspend(() => Stream.fromAsyncIterable(openLog(source, options).events(), asToolError))
