import { type BitReader, NEED_MORE } from "./bzip2-bit-reader.js"

/** A bzip2 block whose data is impossible; `message` says what. */
export class Bz2Corrupt extends Error {}

const MAX_GROUPS = 6
const MAX_CODE_LEN = 20
const MAX_SYMBOLS = 258
const GROUP_SIZE = 50

const CRC_TABLE = (() => {
  const t = new Int32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i << 24
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1
    t[i] = c
  }
  return t
})()

/**
 * Decodes bzip2 blocks (Huffman → MTF/RLE2 → inverse BWT → RLE1) into bounded output slices.
 * Scratch tables are allocated once per decoder; the BWT vector holds at most `maxBlockSize` entries.
 */
export class Bz2BlockDecoder {
  private tt = new Uint32Array(0)
  private readonly selectors = new Uint8Array(32768)
  private readonly symToByte = new Uint8Array(256)
  private readonly mtf = new Uint8Array(256)
  private readonly byteCount = new Int32Array(256)
  private readonly lengths = new Uint8Array(MAX_SYMBOLS)
  private readonly limit = new Int32Array(MAX_GROUPS * (MAX_CODE_LEN + 2))
  private readonly base = new Int32Array(MAX_GROUPS * (MAX_CODE_LEN + 2))
  private readonly perm = new Int32Array(MAX_GROUPS * MAX_SYMBOLS)
  private readonly minLen = new Int32Array(MAX_GROUPS)
  private readonly maxLen = new Int32Array(MAX_GROUPS)
  // output state of the current block
  private remaining = 0
  private pos = 0
  private current = 0
  private run = 0
  private copies = 0
  private outByte = 0
  private crc = 0
  private startPos = 0
  private startCurrent = 0
  private count = 0

  /** Reads a block body (after its magic and CRC) with all its bits available; prepares output. */
  read(br: BitReader, maxBlockSize: number): void {
    if (this.tt.length < maxBlockSize) this.tt = new Uint32Array(maxBlockSize)
    const { tt, selectors, symToByte, mtf, byteCount, lengths, limit, base, perm, minLen, maxLen } = this
    if (br.bit()) throw new Bz2Corrupt("randomised bzip2 blocks (from bzip2 0.9.0) are not supported")
    const origPtr = br.bits(24)
    const used = br.bits(16)
    let symTotal = 0
    for (let i = 0; i < 16; i++) {
      if (!(used & (0x8000 >> i))) continue
      const k = br.bits(16)
      for (let j = 0; j < 16; j++) if (k & (0x8000 >> j)) symToByte[symTotal++] = i * 16 + j
    }
    if (symTotal === 0) throw new Bz2Corrupt("block uses no symbols")
    const groupCount = br.bits(3)
    if (groupCount < 2 || groupCount > MAX_GROUPS) throw new Bz2Corrupt(`bad Huffman group count ${groupCount}`)
    const nSelectors = br.bits(15)
    if (nSelectors === 0) throw new Bz2Corrupt("no selectors")
    for (let i = 0; i < groupCount; i++) mtf[i] = i
    for (let i = 0; i < nSelectors; i++) {
      let j = 0
      while (br.bit()) if (++j >= groupCount) throw new Bz2Corrupt("bad selector")
      const v = mtf[j]
      for (; j > 0; j--) mtf[j] = mtf[j - 1]
      selectors[i] = mtf[0] = v
    }
    const symCount = symTotal + 2
    for (let g = 0; g < groupCount; g++) {
      let len = br.bits(5)
      for (let i = 0; i < symCount; i++) {
        for (;;) {
          if (len < 1 || len > MAX_CODE_LEN) throw new Bz2Corrupt("bad Huffman code length")
          if (!br.bit()) break
          len += br.bit() ? -1 : 1
        }
        lengths[i] = len
      }
      this.buildTable(g, symCount)
    }
    for (let i = 0; i < 256; i++) {
      mtf[i] = i
      byteCount[i] = 0
    }
    let count = 0
    let runPos = 0
    let run = 0
    let left = 0
    let sel = 0
    let g = 0
    // The bit reader's state in locals (written back after the block): a symbol costs no method call.
    const buf = br.buf
    const end = br.end
    let at = br.pos
    let bitBuf = br.bitBuf
    let bitCount = br.bitCount
    for (;;) {
      if (left-- === 0) {
        if (sel >= nSelectors) throw new Bz2Corrupt("ran out of selectors")
        g = selectors[sel++]!
        left = GROUP_SIZE - 1
      }
      while (bitCount < MAX_CODE_LEN && at < end) {
        bitBuf = (bitBuf << 8) | buf[at++]!
        bitCount += 8
      }
      const lb = g * (MAX_CODE_LEN + 2)
      let len = minLen[g]!
      if (len > bitCount) throw NEED_MORE
      let code = (bitBuf >>> (bitCount - len)) & ((1 << len) - 1)
      while (code > limit[lb + len]!) {
        if (++len > maxLen[g]!) throw new Bz2Corrupt("bad Huffman code")
        if (len > bitCount) throw NEED_MORE
        code = (bitBuf >>> (bitCount - len)) & ((1 << len) - 1)
      }
      bitCount -= len
      bitBuf &= (1 << bitCount) - 1
      const idx = code - base[lb + len]!
      if (idx < 0 || idx >= symCount) throw new Bz2Corrupt("bad Huffman code")
      const sym = perm[g * MAX_SYMBOLS + idx]!
      if (sym <= 1) {
        if (runPos === 0) {
          runPos = 1
          run = 0
        }
        run += sym === 0 ? runPos : 2 * runPos
        runPos *= 2
        if (run > maxBlockSize) throw new Bz2Corrupt("run longer than the block")
        continue
      }
      if (runPos !== 0) {
        runPos = 0
        if (count + run > maxBlockSize) throw new Bz2Corrupt("block longer than its declared size")
        const b = symToByte[mtf[0]!]!
        byteCount[b] += run
        tt.fill(b, count, count + run)
        count += run
      }
      if (sym > symTotal) break
      if (count >= maxBlockSize) throw new Bz2Corrupt("block longer than its declared size")
      let m = sym - 1
      const v = mtf[m]!
      for (; m > 0; m--) mtf[m] = mtf[m - 1]!
      mtf[0] = v
      const b = symToByte[v]!
      byteCount[b]++
      tt[count++] = b
    }
    br.pos = at
    br.bitBuf = bitBuf
    br.bitCount = bitCount
    if (origPtr >= count) throw new Bz2Corrupt("BWT origin pointer outside the block")
    let sum = 0
    for (let i = 0; i < 256; i++) {
      const c = byteCount[i]
      byteCount[i] = sum
      sum += c
    }
    for (let i = 0; i < count; i++) {
      const b = tt[i] & 0xff
      tt[byteCount[b]++] |= i << 8
    }
    const p = tt[origPtr]
    this.startCurrent = p & 0xff
    this.startPos = p >>> 8
    this.count = count
    this.rewind()
  }

  /** Restarts the current block's output from its first byte. */
  rewind(): void {
    this.current = this.startCurrent
    this.pos = this.startPos
    this.remaining = this.count
    this.run = -1
    this.copies = 0
    this.crc = -1
  }

  /** True while the current block has bytes left to emit. */
  get pending(): boolean {
    return this.remaining > 0 || this.copies > 0
  }

  /** Emits up to `max` bytes of the current block into a fresh buffer. */
  emit(max: number): Uint8Array {
    const out = new Uint8Array(max)
    const tt = this.tt
    let { remaining, pos, current, run, copies } = this
    let w = 0
    while (w < max) {
      if (copies > 0) {
        const n = Math.min(copies, max - w)
        const b = this.outByte
        for (let k = 0; k < n; k++) out[w++] = b
        copies -= n
        continue
      }
      if (remaining === 0) break
      // Inverse BWT walk with RLE1 inline: after four equal bytes the next symbol is a repeat count.
      while (remaining > 0 && w < max) {
        remaining--
        const previous = current
        pos = tt[pos]!
        current = pos & 0xff
        pos >>>= 8
        if (run++ === 3) {
          copies = current
          this.outByte = previous
          current = -1
          run = 0
          break
        }
        out[w++] = current
        if (current !== previous) run = 0
      }
    }
    this.remaining = remaining
    this.pos = pos
    this.current = current
    this.run = run
    this.copies = copies
    let crc = this.crc
    for (let i = 0; i < w; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ out[i]!) & 0xff]!
    this.crc = crc
    return w === max ? out : out.subarray(0, w)
  }

  /** CRC of the bytes emitted for the current block (valid once `pending` is false). */
  get blockCrc(): number {
    return ~this.crc >>> 0
  }

  private buildTable(g: number, symCount: number): void {
    const { lengths, limit, base, perm } = this
    let lo = MAX_CODE_LEN
    let hi = 0
    for (let i = 0; i < symCount; i++) {
      if (lengths[i] > hi) hi = lengths[i]
      if (lengths[i] < lo) lo = lengths[i]
    }
    const lb = g * (MAX_CODE_LEN + 2)
    let pp = 0
    for (let len = lo; len <= hi; len++) for (let s = 0; s < symCount; s++) if (lengths[s] === len) perm[g * MAX_SYMBOLS + pp++] = s
    const temp = new Int32Array(MAX_CODE_LEN + 2)
    for (let i = 0; i < symCount; i++) temp[lengths[i]]++
    pp = 0
    let t = 0
    for (let len = lo; len < hi; len++) {
      pp += temp[len]
      limit[lb + len] = pp - 1
      pp <<= 1
      t += temp[len]
      base[lb + len + 1] = pp - t
    }
    limit[lb + hi] = pp + temp[hi] - 1
    base[lb + lo] = 0
    this.minLen[g] = lo
    this.maxLen[g] = hi
  }
}
