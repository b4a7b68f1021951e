import type { CanFrame } from "../can/can-frame.js"
import type { MessageFramer } from "./capnp-framer.js"
import type { CapnpMessage } from "./capnp-message.js"
import { CanListReader } from "./can-list-reader.js"
import { type BatchSink, CanFrameSinkBase, readEventHeader, warnMalformed, warnOversized } from "./can-sink-base.js"
import { EventHeader } from "./event-header.js"
import { EventTag, isKnownEventTag } from "./event-tags.js"
import type { EventWhich, LogEvent } from "./log-event.js"
import { MalformedMessage } from "./log-errors.js"
import type { StatsCollector } from "./log-stats.js"
import { readCarState, readInitData, readPandaStates, readSentinel } from "./struct-decoders.js"

/** The batch the event sink fills: up to `capacity` items, handed over by `take`. */
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
export class FrameSink extends CanFrameSinkBase<Array<CanFrame>> {
  private batch: Array<CanFrame> = []

  constructor(
    stats: StatsCollector,
    includeSendcan: boolean,
    maxCanPayloadBytes = 64,
    private readonly capacity = 8192
  ) {
    super(stats, includeSendcan, maxCanPayloadBytes)
  }

  get size(): number {
    return this.batch.length
  }

  protected get collected(): number {
    return this.batch.length
  }

  get full(): boolean {
    return this.batch.length >= this.capacity
  }

  protected takeBatch(): Array<CanFrame> {
    const b = this.batch
    this.batch = []
    return b
  }

  protected fill(): void {
    this.list.append(this.batch, this.header.logMonoTime, this.capacity - this.batch.length, this.srcCounts)
  }

  protected srcAt(i: number): number {
    return this.batch[i]!.src
  }

  protected truncate(count: number): void {
    this.batch.length = count
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
export class EventSink extends BatchCollector<LogEvent> implements BatchSink<Array<LogEvent>> {
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
      if (!readEventHeader(h, msg, this.stats, framer)) return true
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
