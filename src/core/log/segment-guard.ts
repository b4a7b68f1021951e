import type { ReadLimits } from "./log-limits.js"
import { logError, segmentLabel } from "./log-errors.js"
import type { StatsCollector } from "./log-stats.js"

/**
 * Per-segment defences of a read: refuses a segment whose first messages are all malformed (`not_a_log`)
 * and one that decompresses beyond the ratio limit (`decompression_ratio_exceeded`), so floods of zeros
 * or garbage end after a bounded amount of work.
 */
export class SegmentGuard {
  /** Bytes taken from the source for this segment. */
  bytesIn = 0
  /** Decompressed bytes of this segment. */
  bytesOut = 0
  private sawGood = false
  private malformed: number
  private readonly startMalformed: number

  constructor(
    private readonly limits: ReadLimits,
    private readonly stats: StatsCollector,
    readonly segment: number
  ) {
    this.malformed = this.startMalformed = stats.malformedEvents
  }

  /** Checks the expansion after `bytes` more decompressed bytes; `offset`/`messageIndex` say where the reader is. */
  output(bytes: number, offset: number, messageIndex: number): void {
    this.bytesOut += bytes
    const { maxDecompressionRatio: ratio, ratioGraceBytes: grace } = this.limits
    if (this.bytesOut <= grace || this.bytesOut <= ratio * this.bytesIn) return
    throw logError(
      "decompression_ratio_exceeded",
      segmentLabel(
        this.segment,
        `${this.bytesIn} compressed bytes decompressed to more than ${this.bytesOut} bytes (over ${Math.floor(this.bytesOut / this.bytesIn)}×), above the ${ratio}× limit; reading stopped at byte ${offset} of the decompressed stream (message ${messageIndex}).`
      ),
      { offset, messageIndex, segment: this.segment, compressedBytes: this.bytesIn, decompressedBytes: this.bytesOut, limit: ratio }
    )
  }

  /** Called after each message: while no good message has been seen, counts the malformed ones. */
  message(offset: number, messageIndex: number): void {
    if (this.sawGood) return
    const now = this.stats.malformedEvents
    if (now === this.malformed) {
      this.sawGood = true
      return
    }
    this.malformed = now
    const run = now - this.startMalformed
    if (run < this.limits.maxLeadingMalformed) return
    throw logError(
      "not_a_log",
      segmentLabel(
        this.segment,
        `The input is not an rlog: its first ${run} messages are all malformed (e.g. empty, as zeros frame), the last at byte ${offset} (message ${messageIndex}).`
      ),
      { offset, messageIndex, segment: this.segment, count: run, limit: this.limits.maxLeadingMalformed }
    )
  }
}
