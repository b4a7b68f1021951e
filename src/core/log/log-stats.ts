import type { Compression } from "./compression.js"

/** A non-fatal problem found while reading; reading went on. */
export interface LogWarning {
  /** `truncated_log`: input ended inside a message; `empty_log`: no bytes; `malformed_event`: an event with impossible pointers was skipped. */
  readonly code: "truncated_log" | "empty_log" | "malformed_event"
  readonly message: string
  /** Decompressed-stream byte offset of the message concerned. */
  readonly offset?: number
  /** Index of the message concerned, from 0 within its segment. */
  readonly messageIndex?: number
  /** Route segment index (0 for a single file). */
  readonly segment?: number
}

/** Counters of a log read so far; final once iteration has finished. */
export interface LogStats {
  /** Events read (complete messages), all tags. */
  readonly totalEvents: number
  /** Union tag → number of events. */
  readonly countsByTag: Readonly<Record<number, number>>
  /** Tags the schema does not know (newer logs, corruption) → count. Their content is never read. */
  readonly unknownTags: Readonly<Record<number, number>>
  /** Frames in `can` events (sendcan not included). */
  readonly canFrames: number
  /** Raw src byte → number of `can` frames. */
  readonly canFramesBySrc: Readonly<Record<number, number>>
  /** Frames in `sendcan` events. */
  readonly sendcanFrames: number
  /** Events skipped because their pointers were malformed. */
  readonly malformedEvents: number
  /** Bytes taken from the source (compressed size). */
  readonly bytesIn: number
  /** Bytes of Cap'n Proto stream after decompression. */
  readonly bytesDecompressed: number
  /** Compression of the segments read so far; `mixed` when a route mixes them; `null` before reading. */
  readonly compression: Compression | "mixed" | null
  /** logMonoTime of the first and last event read (ns), `null` before any event. */
  readonly firstLogMonoTime: number | null
  readonly lastLogMonoTime: number | null
  /** Non-fatal problems (at most 100 kept; `malformedEvents` counts all). */
  readonly warnings: ReadonlyArray<LogWarning>
}

const maxWarnings = 100

/** Mutable counters behind a reader's `stats`. */
export class StatsCollector {
  totalEvents = 0
  readonly tagCounts = new Float64Array(65536)
  readonly srcCounts = new Float64Array(256)
  sendcanFrames = 0
  malformedEvents = 0
  bytesIn = 0
  bytesDecompressed = 0
  compression: Compression | "mixed" | null = null
  firstLogMonoTime: number | null = null
  lastLogMonoTime: number | null = null
  readonly warnings: Array<LogWarning> = []

  constructor(private readonly isKnownTag: (tag: number) => boolean) {}

  warn(warning: LogWarning): void {
    if (this.warnings.length < maxWarnings) this.warnings.push(warning)
  }

  noteCompression(kind: Compression): void {
    this.compression = this.compression === null || this.compression === kind ? kind : "mixed"
  }

  snapshot(): LogStats {
    const countsByTag: Record<number, number> = {}
    const unknownTags: Record<number, number> = {}
    for (let tag = 0; tag < 65536; tag++) {
      const n = this.tagCounts[tag]
      if (n === 0) continue
      countsByTag[tag] = n
      if (!this.isKnownTag(tag)) unknownTags[tag] = n
    }
    const canFramesBySrc: Record<number, number> = {}
    let canFrames = 0
    for (let src = 0; src < 256; src++) {
      const n = this.srcCounts[src]
      if (n === 0) continue
      canFramesBySrc[src] = n
      canFrames += n
    }
    return {
      totalEvents: this.totalEvents,
      countsByTag,
      unknownTags,
      canFrames,
      canFramesBySrc,
      sendcanFrames: this.sendcanFrames,
      malformedEvents: this.malformedEvents,
      bytesIn: this.bytesIn,
      bytesDecompressed: this.bytesDecompressed,
      compression: this.compression,
      firstLogMonoTime: this.firstLogMonoTime,
      lastLogMonoTime: this.lastLogMonoTime,
      warnings: this.warnings.slice()
    }
  }
}
