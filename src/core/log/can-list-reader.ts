import { type CanFrame, SRC_PARTS } from "../can/can-frame.js"
import type { CapnpMessage } from "./capnp-message.js"
import type { FrameColumnsWriter } from "./frame-pack.js"
import { MalformedMessage } from "./log-errors.js"

const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * Iterates a `List(CanData)` (address u32 @ byte 0, src u8 @ byte 6, dat = pointer 0) and builds
 * CanFrames whose `data` views the message bytes. Resumable, so a huge list can be spread over batches.
 * Every `dat` is charged to the message's traversal budget; one longer than `maxPayload` is not CAN:
 * it is dropped and counted in `dropped`.
 */
export class CanListReader {
  private msg: CapnpMessage | undefined
  private seg = 0
  private start = 0
  private stride = 0
  private dataWords = 0
  private ptrCount = 0
  private lo = 0
  private hi = 0
  count = 0
  index = 0
  /** Longest payload kept, bytes. */
  maxPayload = 64
  /** Frames of the open list dropped so far for a payload over `maxPayload`. */
  dropped = 0

  /** Opens the list at pointer `p` of segment `s`; a null pointer is an empty list. */
  open(msg: CapnpMessage, s: number, p: number): void {
    this.msg = msg
    this.index = 0
    this.pending = false
    this.dropped = 0
    if (!msg.readList(s, p)) {
      this.count = 0
      return
    }
    if (msg.elemSize !== 7 && msg.listCount > 0) throw new MalformedMessage("CAN list is not a list of structs")
    if (msg.stride === 0 && msg.listCount > 0) throw new MalformedMessage("CAN list elements have no content")
    this.seg = msg.seg
    this.start = msg.listStart
    this.count = msg.listCount
    this.stride = msg.stride
    this.dataWords = msg.elemDataWords
    this.ptrCount = msg.elemPtrCount
    this.lo = msg.segStart[msg.seg]
    this.hi = msg.segEnd[msg.seg]
  }

  get done(): boolean {
    return this.index >= this.count
  }

  /** Raw fields of the frame `locate` found: payload `at … at + length` of `payloadBytes`. */
  address = 0
  src = 0
  at = 0
  length = 0
  payloadBytes: Uint8Array = EMPTY
  /** True when `appendColumns` stopped at a located frame whose payload (`length` bytes) did not fit. */
  pending = false

  /**
   * Reads element `i` into `address`, `src`, `payloadBytes`/`at`/`length`; false when its payload is
   * over `maxPayload` (then counted in `dropped`). Throws MalformedMessage for a bad `dat` pointer.
   */
  private locate(i: number): boolean {
    const msg = this.msg!
    const { bytes, dv } = msg
    const el = this.start + i * this.stride
    this.address = this.src = this.at = this.length = 0
    this.payloadBytes = EMPTY
    if (this.dataWords > 0) {
      this.address = dv.getUint32(el, true)
      this.src = bytes[el + 6]
    }
    if (this.ptrCount === 0) return true
    const p = el + this.dataWords * 8
    const a = dv.getUint32(p, true)
    if ((a & 3) === 1) {
      const b = dv.getUint32(p + 4, true)
      const n = b >>> 3
      const s = p + 8 + ((a | 0) >> 2) * 8
      if ((b & 7) !== 2 || s < this.lo || s + n > this.hi) throw new MalformedMessage("CAN data pointer outside its segment")
      msg.charge(n)
      this.payloadBytes = bytes
      this.at = s
      this.length = n
    } else if (a !== 0 || dv.getUint32(p + 4, true) !== 0) {
      this.payloadBytes = msg.readData(this.seg, p)
      this.length = this.payloadBytes.length
    }
    if (this.length <= this.maxPayload) return true
    this.dropped++
    return false
  }

  /**
   * Appends up to `max` frames to `out`, counting each src in `srcCounts` when given. The same reads as
   * `locate`, inlined: this loop builds every frame of a sequential read.
   */
  append(out: Array<CanFrame>, timeNs: number, max: number, srcCounts?: Float64Array): void {
    const msg = this.msg!
    const { bytes, dv } = msg
    const buffer = bytes.buffer
    const base = bytes.byteOffset
    const { start, stride, dataWords, ptrCount, lo, hi, seg, maxPayload } = this
    const end = Math.min(this.count, this.index + max)
    for (let i = this.index; i < end; i++) {
      const el = start + i * stride
      let address = 0
      let src = 0
      if (dataWords > 0) {
        address = dv.getUint32(el, true)
        src = bytes[el + 6]
      }
      let data = EMPTY
      if (ptrCount > 0) {
        const p = el + dataWords * 8
        const a = dv.getUint32(p, true)
        if ((a & 3) === 1) {
          const b = dv.getUint32(p + 4, true)
          const n = b >>> 3
          const s = p + 8 + ((a | 0) >> 2) * 8
          if ((b & 7) !== 2 || s < lo || s + n > hi) throw new MalformedMessage("CAN data pointer outside its segment")
          msg.charge(n)
          if (n > maxPayload) {
            this.dropped++
            continue
          }
          data = new Uint8Array(buffer, base + s, n)
        } else if (a !== 0 || dv.getUint32(p + 4, true) !== 0) {
          data = msg.readData(seg, p)
          if (data.length > maxPayload) {
            this.dropped++
            continue
          }
        }
      }
      const parts = SRC_PARTS[src]
      out.push({ timeNs, src, bus: parts.bus, pandaIndex: parts.pandaIndex, echo: parts.echo, rejected: parts.rejected, address, data })
      if (srcCounts !== undefined) srcCounts[src]++
    }
    this.index = end
  }

  /** Appends frames to the columns of `out` while they fit, without building frame objects. */
  appendColumns(out: FrameColumnsWriter, timeNs: number, srcCounts?: Float64Array): void {
    let i = this.index
    for (; i < this.count; i++) {
      if (out.count >= out.capacity) break
      // A frame located but not taken (its payload did not fit) is not located again: that would charge it twice.
      if (!this.pending && !this.locate(i)) continue
      this.pending = !out.fits(this.length)
      if (this.pending) break
      out.push(timeNs, this.src, this.address, this.payloadBytes, this.at, this.length)
      if (srcCounts !== undefined) srcCounts[this.src]++
    }
    this.index = i
  }
}
