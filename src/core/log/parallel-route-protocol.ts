import type { ReadLimits } from "./log-limits.js"
import type { LogStats } from "./log-stats.js"

/** A segment for a worker to read. */
export interface SegmentJob {
  readonly type: "read"
  readonly path: string
  readonly segment: number
  readonly includeSendcan: boolean
  readonly limits?: Partial<ReadLimits>
  /** Messages of batches the worker may post before it waits for an `ack`. */
  readonly window: number
}

/** The error a segment read ended with, field by field (rebuilt as a ToolError on the reading side). */
export interface SegmentError {
  readonly tag: string | null
  readonly code: unknown
  readonly message: string
  readonly suggestedAction: unknown
  readonly details: unknown
}

/** What a worker posts back: frame batches, then the segment's stats (with its error, if it failed). */
export type SegmentReply =
  | { readonly type: "batch"; readonly segment: number; readonly buffers: ReadonlyArray<SharedArrayBuffer>; readonly bytesIn: number }
  | { readonly type: "done"; readonly segment: number; readonly stats: LogStats }
  | { readonly type: "error"; readonly segment: number; readonly stats: LogStats; readonly error: SegmentError }
