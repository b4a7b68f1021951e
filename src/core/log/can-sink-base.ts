import type { MessageFramer } from "./capnp-framer.js"
import type { CapnpMessage } from "./capnp-message.js"
import { CanListReader } from "./can-list-reader.js"
import { EventHeader } from "./event-header.js"
import { EventTag } from "./event-tags.js"
import { MalformedMessage } from "./log-errors.js"
import type { StatsCollector } from "./log-stats.js"

/** Turns framed messages into batches of T. `begin` returns false when the batch filled mid-message. */
export interface BatchSink<T> {
  begin(msg: CapnpMessage, framer: MessageFramer): boolean
  /** Continues the message `begin` left unfinished, after the batch was taken. */
  resume(): boolean
  readonly size: number
  readonly full: boolean
  take(): T
}

/** A `malformed_event` warning for the message just read. */
export const warnMalformed = (stats: StatsCollector, e: MalformedMessage, framer: MessageFramer, note = "") =>
  stats.problem({
    code: "malformed_event",
    cause: `${e.message}${note}`,
    offset: framer.lastMessageOffset,
    messageIndex: framer.messageIndex - 1,
    segment: framer.segment,
    count: 1
  })

/**
 * Reads the event header of `msg` into `h` and counts the event in the stats (totals, tag, first/last
 * logMonoTime); false, with a `malformed_event` warning, when the message is not an event.
 */
export const readEventHeader = (h: EventHeader, msg: CapnpMessage, stats: StatsCollector, framer: MessageFramer): boolean => {
  const notEvent = h.read(msg)
  if (notEvent) {
    warnMalformed(stats, notEvent, framer)
    return false
  }
  stats.totalEvents++
  stats.tagCounts[h.tag]++
  if (stats.firstLogMonoTime === null) stats.firstLogMonoTime = h.logMonoTime
  stats.lastLogMonoTime = h.logMonoTime
  return true
}

/** Reports the frames of the message just read that `list` dropped for an oversized payload. */
export const warnOversized = (stats: StatsCollector, list: CanListReader, framer: MessageFramer) => {
  if (list.dropped === 0) return
  stats.problem({
    code: "oversized_can_frame",
    cause: `payload over ${list.maxPayload} bytes (CAN FD's maximum is 64), so not a CAN frame`,
    offset: framer.lastMessageOffset,
    messageIndex: framer.messageIndex - 1,
    segment: framer.segment,
    count: list.dropped
  })
}

/**
 * What the frame sinks share: each event's header is read and counted; the CAN list of a `can` (and,
 * when included, `sendcan`) event is opened and its frames appended by `fill`, spread over batches when
 * a batch fills. A list found malformed half-way takes back the frames of its event not yet delivered.
 */
export abstract class CanFrameSinkBase<T> implements BatchSink<T> {
  protected readonly header = new EventHeader()
  protected readonly list = new CanListReader()
  protected srcCounts: Float64Array | undefined
  private framer: MessageFramer | undefined
  private eventStart = 0
  private delivered = 0

  constructor(
    protected readonly stats: StatsCollector,
    private readonly includeSendcan: boolean,
    maxCanPayloadBytes: number
  ) {
    this.list.maxPayload = maxCanPayloadBytes
  }

  abstract readonly size: number
  abstract readonly full: boolean
  /** Frames in the batch being filled (what `size` reports, unless a sink holds a batch back). */
  protected abstract readonly collected: number
  /** Hands over the batch; `size` is 0 after it. */
  protected abstract takeBatch(): T
  /** Appends the open list's frames while the batch has room. */
  protected abstract fill(): void
  /** The src byte of frame `i` of the batch. */
  protected abstract srcAt(i: number): number
  /** Drops the batch's frames from index `count` on. */
  protected abstract truncate(count: number): void

  take(): T {
    this.delivered += this.collected - this.eventStart
    this.eventStart = 0
    return this.takeBatch()
  }

  begin(msg: CapnpMessage, framer: MessageFramer): boolean {
    const h = this.header
    try {
      if (!readEventHeader(h, msg, this.stats, framer)) return true
      const tag = h.tag
      if ((tag !== EventTag.can && tag !== EventTag.sendcan) || h.ptr < 0) return true
      this.list.open(msg, h.seg, h.ptr)
      if (tag === EventTag.sendcan) {
        this.stats.sendcanFrames += this.list.count
        if (!this.includeSendcan) return true
      }
    } catch (e) {
      if (!(e instanceof MalformedMessage)) throw e
      warnMalformed(this.stats, e, framer)
      return true
    }
    this.framer = framer
    this.srcCounts = h.tag === EventTag.can ? this.stats.srcCounts : undefined
    this.eventStart = this.collected
    this.delivered = 0
    return this.resume()
  }

  resume(): boolean {
    try {
      this.fill()
      if (!this.list.done) return false
      warnOversized(this.stats, this.list, this.framer!)
      return true
    } catch (e) {
      if (!(e instanceof MalformedMessage)) throw e
      if (this.srcCounts) for (let i = this.eventStart; i < this.collected; i++) this.srcCounts[this.srcAt(i)]--
      this.truncate(this.eventStart)
      const note = this.delivered > 0 ? ` (${this.delivered} of its frames had already been delivered)` : ""
      warnMalformed(this.stats, e, this.framer!, note)
      return true
    }
  }
}
