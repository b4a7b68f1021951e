import { concatBytes } from "../../src/core/util/concat-bytes.js"
/** Tiny Cap'n Proto message builder for tests: words are [lo, hi] u32 pairs. */
export type Word = readonly [number, number]

export const structPtr = (offset: number, dataWords: number, ptrCount: number): Word => [((offset << 2) | 0) >>> 0, dataWords | (ptrCount << 16)]
export const listPtr = (offset: number, elemSize: number, count: number): Word => [((offset << 2) | 1) >>> 0, (elemSize | (count << 3)) >>> 0]
export const farPtr = (double: 0 | 1, padWord: number, segment: number): Word => [((padWord << 3) | (double << 2) | 2) >>> 0, segment]
export const u64 = (v: number): Word => [v % 2 ** 32, Math.floor(v / 2 ** 32)]
/** Up to 8 bytes packed little-endian into one word. */
export const bytesWord = (bytes: ReadonlyArray<number>): Word => {
  const b = [...bytes, 0, 0, 0, 0, 0, 0, 0, 0]
  return [(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0, (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0]
}
/** Event data word 1: union tag u16 at byte 8, `valid` stored inverted at bit 80. */
export const tagWord = (tag: number, valid = true): Word => [tag | (valid ? 0 : 1 << 16), 0]
/** CanData data word: address u32 @0, src u8 @6. */
export const canDataWord = (address: number, src: number): Word => [address >>> 0, src << 16]

/** Serialises segments with the standard stream framing header. */
export const message = (segments: ReadonlyArray<ReadonlyArray<Word>>): Uint8Array => {
  const n = segments.length
  const header = (4 + 4 * n + 7) & ~7
  const words = segments.reduce((s, seg) => s + seg.length, 0)
  const out = new Uint8Array(header + words * 8)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, n - 1, true)
  segments.forEach((seg, i) => dv.setUint32(4 + 4 * i, seg.length, true))
  let p = header
  for (const seg of segments)
    for (const [lo, hi] of seg) {
      dv.setUint32(p, lo, true)
      dv.setUint32(p + 4, hi, true)
      p += 8
    }
  return out
}

export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => concatBytes(parts)
