import { growTypedArray } from "../util/grow-typed-array.js"

/** Thrown when a read runs past the bytes received so far. */
export class NeedMoreInput extends Error {}
/** The one shared instance thrown (no stack capture per throw). */
export const NEED_MORE = new NeedMoreInput("more input needed")

/** MSB-first bit reader over a growable input buffer, with save/restore so a block read can be retried. */
export class BitReader {
  buf = new Uint8Array(1 << 16)
  pos = 0
  end = 0
  /** Bytes dropped from the front of `buf` by compaction. */
  private discarded = 0
  /** Bits taken from `buf` and not yet read (the low `bitCount` bits); the block decoder's hot loop reads them in place. */
  bitBuf = 0
  bitCount = 0
  private savedPos = 0
  private savedBitBuf = 0
  private savedBitCount = 0

  /** Appends input, compacting consumed bytes away first. */
  append(chunk: Uint8Array): void {
    if (this.pos > 0 && this.end + chunk.length > this.buf.length) {
      this.buf.copyWithin(0, this.pos, this.end)
      this.discarded += this.pos
      this.end -= this.pos
      this.pos = 0
    }
    if (this.end + chunk.length > this.buf.length) {
      this.buf = growTypedArray(this.buf.subarray(0, this.end), Math.max(this.buf.length * 2, this.end + chunk.length))
    }
    this.buf.set(chunk, this.end)
    this.end += chunk.length
  }

  /** Bytes not yet read (whole bytes; buffered bits not counted). */
  get available(): number {
    return this.end - this.pos
  }

  /** True when every bit received has been read. */
  get exhausted(): boolean {
    return this.pos >= this.end && this.bitCount === 0
  }

  /** Reads `n` bits (1–24), most significant first. */
  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.end) throw NEED_MORE
      this.bitBuf = (this.bitBuf << 8) | this.buf[this.pos++]
      this.bitCount += 8
    }
    this.bitCount -= n
    const v = (this.bitBuf >>> this.bitCount) & ((1 << n) - 1)
    this.bitBuf &= (1 << this.bitCount) - 1
    return v
  }

  bit(): number {
    if (this.bitCount === 0) {
      if (this.pos >= this.end) throw NEED_MORE
      this.bitBuf = this.buf[this.pos++]
      this.bitCount = 8
    }
    this.bitCount--
    const v = (this.bitBuf >>> this.bitCount) & 1
    this.bitBuf &= (1 << this.bitCount) - 1
    return v
  }

  /** Reads a 32-bit value as an unsigned number. */
  bits32(): number {
    return this.bits(16) * 65536 + this.bits(16)
  }

  /** Skips to the next byte boundary. */
  alignToByte(): void {
    const drop = this.bitCount & 7
    this.bitCount -= drop
    this.bitBuf &= (1 << this.bitCount) - 1
  }

  save(): void {
    this.savedPos = this.pos
    this.savedBitBuf = this.bitBuf
    this.savedBitCount = this.bitCount
  }

  restore(): void {
    this.pos = this.savedPos
    this.bitBuf = this.savedBitBuf
    this.bitCount = this.savedBitCount
  }

  /** Offset in the whole input of the byte holding the next unread bit. */
  get offset(): number {
    return this.discarded + this.pos - (this.bitCount >> 3) - (this.bitCount & 7 ? 1 : 0)
  }
}
