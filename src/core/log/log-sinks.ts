import type { CanFrame } from "../can/can-frame.js"
import type { MessageFramer } from "./capnp-framer.js"
import type { CapnpMessage } from "./capnp-message.js"
import { CanListReader } from "./can-list-reader.js"
import { EventHeader } from "./event-header.js"
import { EventTag, isKnownEventTag } from "./event-tags.js"
import type { EventWhich, LogEvent } from "./log-event.js"
import { MalformedMessage } from "./log-errors.js"
import type { StatsCollector } from "./log-stats.js"
import { readCarState, readInitData, readPandaStates, readSentinel } from "./struct-decoders.js"

/** Turns framed messages into batches of T. `begin` returns false when the batch filled mid-message. */
export interface BatchSink<T> {
  begin(msg: CapnpMessage, framer: MessageFramer): boolean
  /** Continues the message `begin` left unfinished, after the batch was taken. */
  resume(): boolean
  readonly size: number
  readonly full: boolean
  take(): Array<T>
}

const countEvent = (stats: StatsCollector, h: EventHeader) => {
  stats.totalEvents++
  stats.tagCounts[h.tag]++
  if (stats.firstLogMonoTime === null) stats.firstLogMonoTime = h.logMonoTime
  stats.lastLogMonoTime = h.logMonoTime
}

const warnMalformed = (stats: StatsCollector, e: MalformedMessage, framer: MessageFramer, note = "") =>
  stats.problem({
    code: "malformed_event",
    cause: `${e.message}${note}`,
    offset: framer.lastMessageOffset,
    messageIndex: framer.messageIndex - 1,
    segment: framer.segment,
    count: 1
  })

/** Reports the frames of the message just read that `list` dropped for an oversized payload. */
const warnOversized = (stats: StatsCollector, list: CanListReader, framer: MessageFramer) => {
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

/** The batch both sinks fill: up to `capacity` items, handed over by `take`. */
abstract class BatchCollector<T> {
  protected batch: Array<T> = []

  constructor(
    protected readonly stats: StatsCollector,
    protected readonly capacity: number
  ) {}

  get size(): number {
    return this.batch.length
  }

  get full(): boolean {
    return this.batch.length >= this.capacity
  }

  take(): Array<T> {
    const b = this.batch
    this.batch = []
    return b
  }
}

/** Collects the CAN frames of `can` (and optionally `sendcan`) events; other events are only counted. */
export class FrameSink extends BatchCollector<CanFrame> implements BatchSink<CanFrame> {
  private readonly header = new EventHeader()
  private readonly list = new CanListReader()
  private framer: MessageFramer | undefined
  private srcCounts: Float64Array | undefined
  private eventStart = 0
  private delivered = 0

  constructor(
    stats: StatsCollector,
    private readonly includeSendcan: boolean,
    maxCanPayloadBytes = 64,
    capacity = 8192
  ) {
    super(stats, capacity)
    this.list.maxPayload = maxCanPayloadBytes
  }

  override take(): Array<CanFrame> {
    this.delivered += this.batch.length - this.eventStart
    this.eventStart = 0
    return super.take()
  }

  begin(msg: CapnpMessage, framer: MessageFramer): boolean {
    const h = this.header
    try {
      const notEvent = h.read(msg)
      if (notEvent) {
        warnMalformed(this.stats, notEvent, framer)
        return true
      }
      countEvent(this.stats, h)
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
    this.eventStart = this.batch.length
    this.delivered = 0
    return this.resume()
  }

  resume(): boolean {
    try {
      this.list.append(this.batch, this.header.logMonoTime, this.capacity - this.batch.length, this.srcCounts)
      if (!this.list.done) return false
      warnOversized(this.stats, this.list, this.framer!)
      return true
    } catch (e) {
      if (!(e instanceof MalformedMessage)) throw e
      for (let i = this.eventStart; i < this.batch.length; i++) if (this.srcCounts) this.srcCounts[this.batch[i].src]--
      this.batch.length = this.eventStart
      const note = this.delivered > 0 ? ` (${this.delivered} of its frames had already been delivered)` : ""
      warnMalformed(this.stats, e, this.framer!, note)
      return true
    }
  }
}

const whichOf = (tag: number): EventWhich => {
  switch (tag) {
    case EventTag.can:
      return "can"
    case EventTag.sendcan:
      return "sendcan"
    case EventTag.carState:
      return "carState"
    case EventTag.pandaStates:
      return "pandaStates"
    case EventTag.initData:
      return "initData"
    case EventTag.sentinel:
      return "sentinel"
    default:
      return isKnownEventTag(tag) ? "other" : "unknown"
  }
}

/** Decodes every event into a LogEvent (typed views for the members cts-lite knows). */
export class EventSink extends BatchCollector<LogEvent> implements BatchSink<LogEvent> {
  private readonly header = new EventHeader()
  private readonly list = new CanListReader()

  constructor(stats: StatsCollector, maxCanPayloadBytes = 64, capacity = 1024) {
    super(stats, capacity)
    this.list.maxPayload = maxCanPayloadBytes
  }

  resume(): boolean {
    return true
  }

  begin(msg: CapnpMessage, framer: MessageFramer): boolean {
    const h = this.header
    try {
      const notEvent = h.read(msg)
      if (notEvent) {
        warnMalformed(this.stats, notEvent, framer)
        return true
      }
      countEvent(this.stats, h)
      this.batch.push(this.decode(msg, h, framer))
    } catch (e) {
      if (!(e instanceof MalformedMessage)) throw e
      warnMalformed(this.stats, e, framer)
    }
    return true
  }

  private decode(msg: CapnpMessage, h: EventHeader, framer: MessageFramer): LogEvent {
    const which = whichOf(h.tag)
    const event = { logMonoTime: h.logMonoTime, valid: h.valid, tag: h.tag, which }
    switch (which) {
      case "can":
      case "sendcan": {
        const frames: Array<CanFrame> = []
        if (h.ptr >= 0) {
          this.list.open(msg, h.seg, h.ptr)
          this.list.append(frames, h.logMonoTime, this.list.count)
          warnOversized(this.stats, this.list, framer)
        }
        if (which === "sendcan") this.stats.sendcanFrames += frames.length
        else for (const f of frames) this.stats.srcCounts[f.src]++
        return { ...event, can: frames }
      }
      case "carState":
        return { ...event, carState: readCarState(msg, h.seg, h.ptr) }
      case "pandaStates":
        return { ...event, pandaStates: readPandaStates(msg, h.seg, h.ptr) }
      case "initData":
        return { ...event, initData: readInitData(msg, h.seg, h.ptr) }
      case "sentinel":
        return { ...event, sentinel: readSentinel(msg, h.seg, h.ptr) }
      default:
        return event
    }
  }
}
