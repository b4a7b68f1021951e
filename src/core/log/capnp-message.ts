import { MalformedMessage } from "./log-errors.js"

/** Most segments a message may have (the reference implementation's limit). */
export const MAX_SEGMENTS = 512

const EMPTY: Uint8Array = new Uint8Array(0)
const BITS_PER_ELEMENT = [0, 1, 8, 16, 32, 64, 64, 0]
const textDecoder = new TextDecoder()

const malformed = (what: string): never => {
  throw new MalformedMessage(what)
}

/**
 * A zero-copy view of one Cap'n Proto message whose segments lie in `bytes`, with pointer resolution
 * (near, single-far and double-far) and bounds checks. `readStruct` / `readList` leave their result in
 * the public fields below (no allocation); read them before the next call.
 */
export class CapnpMessage {
  bytes: Uint8Array = EMPTY
  dv: DataView = new DataView(EMPTY.buffer)
  segCount = 0
  readonly segStart = new Int32Array(MAX_SEGMENTS)
  readonly segEnd = new Int32Array(MAX_SEGMENTS)

  /** Segment of the last resolved struct or list. */
  seg = 0
  /** Struct: byte offset of its data section, its size in words, byte offset of its pointers, their count. */
  dataOff = 0
  dataWords = 0
  ptrOff = 0
  ptrCount = 0
  /** List: first element (after the tag word for struct lists), count, element size code, and for struct lists their layout. */
  listStart = 0
  listCount = 0
  elemSize = 0
  elemDataWords = 0
  elemPtrCount = 0
  /** Bytes between consecutive elements of a struct list. */
  stride = 0

  /** Words a message may visit while decoded (libcapnp's traversal limit); see `ReadLimits`. */
  traversalLimitWords = Infinity
  /** Words left to visit in the current message. */
  budget = Infinity

  /** Restores the full traversal budget; called for every new message. */
  resetBudget(): void {
    this.budget = this.traversalLimitWords
  }

  /** Charges `bytes` of visited content (at least one word) against the traversal budget. */
  charge(bytes: number): void {
    this.budget -= bytes > 8 ? Math.ceil(bytes / 8) : 1
    if (this.budget < 0) malformed(`it visits more than ${this.traversalLimitWords} words (the traversal limit): its pointers share or repeat data`)
  }

  /** True when the message has a non-empty first segment (so a root pointer). */
  get hasRoot(): boolean {
    return this.segCount > 0 && this.segEnd[0] - this.segStart[0] >= 8
  }

  /** Resolves the struct pointer at byte `p` of segment `s`; false for a null pointer. */
  readStruct(s: number, p: number): boolean {
    const target = this.follow(s, p, 0)
    if (target < 0) return false
    const b = this.tagHi
    const dw = b & 0xffff
    const pc = b >>> 16
    this.checkRange(target, (dw + pc) * 8)
    this.dataOff = target
    this.dataWords = dw
    this.ptrOff = target + dw * 8
    this.ptrCount = pc
    return true
  }

  /** Resolves the list pointer at byte `p` of segment `s`; false for a null pointer. */
  readList(s: number, p: number): boolean {
    const target = this.follow(s, p, 1)
    if (target < 0) return false
    const b = this.tagHi
    const size = b & 7
    const count = b >>> 3
    this.elemSize = size
    if (size === 7) {
      this.checkRange(target, 8 + count * 8)
      const tagLo = this.dv.getUint32(target, true)
      const tagHi = this.dv.getUint32(target + 4, true)
      if ((tagLo & 3) !== 0) malformed("composite list tag is not a struct tag")
      const elems = tagLo >>> 2
      const dw = tagHi & 0xffff
      const pc = tagHi >>> 16
      if (elems * (dw + pc) > count) malformed("composite list elements overrun the list")
      this.listStart = target + 8
      this.listCount = elems
      this.elemDataWords = dw
      this.elemPtrCount = pc
      this.stride = (dw + pc) * 8
    } else {
      this.checkRange(target, Math.ceil((count * BITS_PER_ELEMENT[size]) / 8))
      this.listStart = target
      this.listCount = count
      this.elemDataWords = size === 5 ? 1 : 0
      this.elemPtrCount = size === 6 ? 1 : 0
      this.stride = BITS_PER_ELEMENT[size] / 8
    }
    return true
  }

  /** The bytes of a `Data` (or `Text`, NUL included) field at pointer `p` of segment `s`; empty when null. */
  readData(s: number, p: number): Uint8Array {
    if (!this.readList(s, p)) return EMPTY
    if (this.elemSize !== 2) malformed("Data/Text pointer is not a byte list")
    return this.bytes.subarray(this.listStart, this.listStart + this.listCount)
  }

  /** A `Text` field (UTF-8, trailing NUL dropped); empty when null. */
  readText(s: number, p: number): string {
    const b = this.readData(s, p)
    return textDecoder.decode(b.length > 0 && b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b)
  }

  /** High word of the last resolved pointer (its size/count bits). */
  private tagHi = 0

  /** Follows near and far pointers; returns the absolute content offset (sets `seg`, `tagHi`) or -1 for null. */
  private follow(s: number, p: number, kind: 0 | 1): number {
    const dv = this.dv
    let a = dv.getUint32(p, true)
    let b = dv.getUint32(p + 4, true)
    if (a === 0 && b === 0) return -1
    let seg = s
    let target: number
    if ((a & 3) === 2) {
      const double = (a >>> 2) & 1
      const padSeg = b
      if (padSeg >= this.segCount) malformed("far pointer to a missing segment")
      const pad = this.segStart[padSeg] + (a >>> 3) * 8
      if (pad + (double ? 16 : 8) > this.segEnd[padSeg]) malformed("far pointer landing pad outside its segment")
      if (double) {
        const fa = dv.getUint32(pad, true)
        seg = dv.getUint32(pad + 4, true)
        if ((fa & 7) !== 2 || seg >= this.segCount) malformed("bad double-far landing pad")
        target = this.segStart[seg] + (fa >>> 3) * 8
        a = dv.getUint32(pad + 8, true)
        b = dv.getUint32(pad + 12, true)
      } else {
        seg = padSeg
        a = dv.getUint32(pad, true)
        b = dv.getUint32(pad + 4, true)
        target = pad + 8 + ((a | 0) >> 2) * 8
      }
      if ((a & 3) >= 2) malformed("far pointer lands on another far pointer")
    } else {
      target = p + 8 + ((a | 0) >> 2) * 8
    }
    if ((a & 3) !== kind) malformed(kind === 0 ? "expected a struct pointer" : "expected a list pointer")
    this.seg = seg
    this.tagHi = b
    return target
  }

  private checkRange(start: number, length: number): void {
    if (start < this.segStart[this.seg] || start + length > this.segEnd[this.seg]) malformed("pointer target outside its segment")
    this.charge(length)
  }
}
