import type { Compression } from "./compression.js"
import { segmentLabel } from "./log-errors.js"

/** A non-fatal problem found while reading; reading went on. */
export interface LogWarning {
  /**
   * `truncated_log`: input ended inside a message; `empty_log`: no bytes; `malformed_event`: a message
   * with no root, impossible pointers or over the traversal limit was skipped; `oversized_can_frame`:
   * CAN frames with a payload over the limit (64 bytes) were dropped.
   */
  readonly code: "truncated_log" | "empty_log" | "malformed_event" | "oversized_can_frame"
  readonly message: string
  /** Decompressed-stream byte offset of the (first) message concerned. */
  readonly offset?: number
  /** Index of the (first) message concerned, from 0 within its segment. */
  readonly messageIndex?: number
  /** Route segment index (0 for a single file). */
  readonly segment?: number
  /** How many times it happened: skipped events (consecutive ones with the same cause share one warning) or dropped frames. */
  readonly count: number
}

/** A per-message problem: consecutive ones with the same code and cause become one warning with a count. */
export interface MessageProblem {
  readonly code: "malformed_event" | "oversized_can_frame"
  /** Why, e.g. "pointer target outside its segment". */
  readonly cause: string
  readonly offset: number
  readonly messageIndex: number
  readonly segment: number
  /** Occurrences in this message (dropped frames); 1 for a skipped event. */
  readonly count: number
}

interface ProblemRun {
  first: MessageProblem
  lastIndex: number
  count: number
}

const describeProblem = ({ first, lastIndex, count }: ProblemRun): string => {
  const where = lastIndex === first.messageIndex ? `event ${first.messageIndex}` : `events ${first.messageIndex}–${lastIndex}`
  if (first.code === "oversized_can_frame")
    return segmentLabel(first.segment, `${count} CAN frame${count === 1 ? "" : "s"} of ${where} (from byte ${first.offset}) dropped: ${first.cause}`)
  if (count === 1) return segmentLabel(first.segment, `Event ${first.messageIndex} at byte ${first.offset} was skipped: ${first.cause}`)
  return segmentLabel(first.segment, `${count} consecutive events (${where}, from byte ${first.offset}) were skipped: ${first.cause}`)
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
  /** Messages skipped as malformed (no root, impossible pointers, over the traversal limit). */
  readonly malformedEvents: number
  /** CAN frames (can and sendcan) dropped because their payload was over the limit. */
  readonly oversizedCanFrames: number
  /** Bytes taken from the source (compressed size). */
  readonly bytesIn: number
  /** Bytes of Cap'n Proto stream after decompression. */
  readonly bytesDecompressed: number
  /** Compression of the segments read so far; `mixed` when a route mixes them; `null` before reading. */
  readonly compression: Compression | "mixed" | null
  /** logMonoTime of the first and last event read (ns), `null` before any event. */
  readonly firstLogMonoTime: number | null
  readonly lastLogMonoTime: number | null
  /** Non-fatal problems (at most 100 kept; `malformedEvents` and `oversizedCanFrames` count all). */
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
  oversizedCanFrames = 0
  bytesIn = 0
  bytesDecompressed = 0
  compression: Compression | "mixed" | null = null
  firstLogMonoTime: number | null = null
  lastLogMonoTime: number | null = null
  private readonly warnings: Array<LogWarning | ProblemRun> = []
  private lastRun: ProblemRun | undefined

  constructor(private readonly isKnownTag: (tag: number) => boolean) {}

  warn(warning: Omit<LogWarning, "count">): void {
    this.lastRun = undefined
    if (this.warnings.length < maxWarnings) this.warnings.push({ ...warning, count: 1 })
  }

  /** Records a per-message problem, merged into the previous warning when it continues the same run. */
  problem(p: MessageProblem): void {
    if (p.code === "malformed_event") this.malformedEvents += p.count
    else this.oversizedCanFrames += p.count
    const run = this.lastRun
    if (run && run.first.code === p.code && run.first.cause === p.cause && run.first.segment === p.segment && run.lastIndex + 1 === p.messageIndex) {
      run.lastIndex = p.messageIndex
      run.count += p.count
      return
    }
    this.lastRun = undefined
    if (this.warnings.length >= maxWarnings) return
    this.lastRun = { first: p, lastIndex: p.messageIndex, count: p.count }
    this.warnings.push(this.lastRun)
  }

  noteCompression(kind: Compression): void {
    this.compression = this.compression === null || this.compression === kind ? kind : "mixed"
  }

  /** Adds the stats of a later segment read on its own (a worker's), as if it had been read here next. */
  absorb(other: LogStats): void {
    this.totalEvents += other.totalEvents
    for (const [tag, n] of Object.entries(other.countsByTag)) this.tagCounts[Number(tag)] += n
    for (const [src, n] of Object.entries(other.canFramesBySrc)) this.srcCounts[Number(src)] += n
    this.sendcanFrames += other.sendcanFrames
    this.malformedEvents += other.malformedEvents
    this.oversizedCanFrames += other.oversizedCanFrames
    this.bytesIn += other.bytesIn
    this.bytesDecompressed += other.bytesDecompressed
    if (other.compression !== null && other.compression !== "mixed") this.noteCompression(other.compression)
    this.firstLogMonoTime ??= other.firstLogMonoTime
    this.lastLogMonoTime = other.lastLogMonoTime ?? this.lastLogMonoTime
    this.lastRun = undefined
    for (const w of other.warnings) if (this.warnings.length < maxWarnings) this.warnings.push(w)
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
      oversizedCanFrames: this.oversizedCanFrames,
      bytesIn: this.bytesIn,
      bytesDecompressed: this.bytesDecompressed,
      compression: this.compression,
      firstLogMonoTime: this.firstLogMonoTime,
      lastLogMonoTime: this.lastLogMonoTime,
      warnings: this.warnings.map(w =>
        "first" in w
          ? {
              code: w.first.code,
              message: describeProblem(w),
              offset: w.first.offset,
              messageIndex: w.first.messageIndex,
              segment: w.first.segment,
              count: w.count
            }
          : w
      )
    }
  }
}
