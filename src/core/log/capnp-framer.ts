import { type CapnpMessage, MAX_SEGMENTS } from "./capnp-message.js"
import { logError } from "./log-errors.js"

/** Largest message accepted, in bytes of segments (8 Mi words). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

const HEADER_SCRATCH = 4 + 4 * MAX_SEGMENTS + 4

/**
 * Splits a chunked byte stream into Cap'n Proto messages (standard unpacked stream framing).
 * A message wholly inside a chunk is viewed in place; one that spans chunks is assembled in a fresh
 * buffer of exactly its size (so views into earlier messages stay valid). Memory held: the current
 * message only. A segment table is checked before anything is allocated for it.
 */
export class MessageFramer {
  /** Stream offset of the next message. */
  offset = 0
  /** Index of the next message. */
  messageIndex = 0
  /** Stream offset of the message last returned by `next`. */
  lastMessageOffset = 0
  private chunk: Uint8Array = new Uint8Array(0)
  private dv: DataView = new DataView(this.chunk.buffer)
  private pos = 0
  private readonly head = new Uint8Array(HEADER_SCRATCH)
  private headLen = 0
  private body: Uint8Array | undefined
  private bodyLen = 0

  constructor(readonly segment: number) {}

  /** Gives the framer the next chunk; call `next` until it returns false before giving another. */
  setChunk(chunk: Uint8Array): void {
    this.chunk = chunk
    this.dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    this.pos = 0
  }

  /** True when bytes of an unfinished message are held (at end of input: the log was cut). */
  get partial(): boolean {
    return this.headLen > 0
  }

  /** Fills `msg` with the next complete message; false when the chunk is used up. */
  next(msg: CapnpMessage): boolean {
    if (this.headLen > 0) return this.continuePartial(msg)
    const avail = this.chunk.length - this.pos
    if (avail === 0) return false
    if (avail >= 8) {
      const total = this.measure(this.dv, this.pos, avail)
      if (total > 0 && total <= avail) {
        this.emit(msg, this.chunk, this.dv, this.pos)
        this.pos += total
        return true
      }
    }
    return this.continuePartial(msg)
  }

  /** Accumulates a message that spans chunks: header into scratch, then the whole message into its own buffer. */
  private continuePartial(msg: CapnpMessage): boolean {
    const src = this.chunk
    if (this.body === undefined) {
      for (;;) {
        let need = 4
        if (this.headLen >= 4) {
          const countMinusOne = this.headDv().getUint32(0, true)
          this.checkCount(countMinusOne)
          need = headerSize(countMinusOne + 1)
          if (this.headLen >= need) break
        }
        const take = Math.min(need - this.headLen, src.length - this.pos)
        if (take === 0) return false
        this.head.set(src.subarray(this.pos, this.pos + take), this.headLen)
        this.headLen += take
        this.pos += take
      }
      const total = this.measure(this.headDv(), 0, this.headLen)
      this.body = new Uint8Array(total)
      this.body.set(this.head.subarray(0, this.headLen))
      this.bodyLen = this.headLen
    }
    const take = Math.min(this.body.length - this.bodyLen, src.length - this.pos)
    this.body.set(src.subarray(this.pos, this.pos + take), this.bodyLen)
    this.bodyLen += take
    this.pos += take
    if (this.bodyLen < this.body.length) return false
    const body = this.body
    this.body = undefined
    this.headLen = 0
    this.emit(msg, body, new DataView(body.buffer, body.byteOffset, body.byteLength), 0)
    return true
  }

  private headDv(): DataView {
    return new DataView(this.head.buffer, 0, this.headLen)
  }

  private checkCount(countMinusOne: number): void {
    if (countMinusOne >= MAX_SEGMENTS)
      throw logError(
        "bad_segment_table",
        `Invalid Cap'n Proto segment table at byte ${this.offset} (message ${this.messageIndex}): it claims ${countMinusOne + 1} segments, the limit is ${MAX_SEGMENTS}. The data is not an rlog, or is corrupt here.`,
        { offset: this.offset, messageIndex: this.messageIndex, segment: this.segment, segmentCount: countMinusOne + 1 }
      )
  }

  /** Total bytes of the message whose header starts at `at`, or -1 if the header is not all there. Throws on a bad table. */
  private measure(dv: DataView, at: number, avail: number): number {
    const countMinusOne = dv.getUint32(at, true)
    this.checkCount(countMinusOne)
    const header = headerSize(countMinusOne + 1)
    if (header > avail) return -1
    let words = 0
    for (let i = 0; i <= countMinusOne; i++) words += dv.getUint32(at + 4 + 4 * i, true)
    if (words * 8 > MAX_MESSAGE_BYTES)
      throw logError(
        "bad_segment_table",
        `Invalid Cap'n Proto segment table at byte ${this.offset} (message ${this.messageIndex}): the message would be ${words * 8} bytes, above the ${MAX_MESSAGE_BYTES}-byte limit. The data is not an rlog, or is corrupt here.`,
        { offset: this.offset, messageIndex: this.messageIndex, segment: this.segment, messageBytes: words * 8 }
      )
    return header + words * 8
  }

  private emit(msg: CapnpMessage, bytes: Uint8Array, dv: DataView, at: number): void {
    const n = dv.getUint32(at, true) + 1
    let p = at + headerSize(n)
    for (let i = 0; i < n; i++) {
      msg.segStart[i] = p
      p += dv.getUint32(at + 4 + 4 * i, true) * 8
      msg.segEnd[i] = p
    }
    msg.segCount = n
    msg.bytes = bytes
    msg.dv = dv
    msg.resetBudget()
    this.lastMessageOffset = this.offset
    this.offset += p - at
    this.messageIndex++
  }
}

/** Bytes of a segment table for `n` segments, padded to a word. */
const headerSize = (n: number): number => (4 + 4 * n + 7) & ~7
