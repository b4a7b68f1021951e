/**
 * Bit numbering shared by every CAN tool: DBC / LSB numbering.
 *
 * Global bit `g = 8 · byte + bitInByte`, where bit 0 is the least-significant bit of `data[0]`.
 * For payloads of up to 8 bytes this equals `(littleEndianU64(data) >> g) & 1`. The "MSB" form
 * numbers bits inside a byte from the most-significant end: `msb = 7 − (g % 8)`.
 */

/** Byte index of a global bit. */
export const bitByte = (g: number): number => g >> 3

/** LSB-numbered position of a global bit inside its byte (0 = least significant). */
export const bitInByte = (g: number): number => g & 7

/** MSB-numbered position of a global bit inside its byte (0 = most significant). */
export const bitMsbInByte = (g: number): number => 7 - (g & 7)

/** Global bit from a byte index and an MSB-numbered bit inside that byte. */
export const globalBitFromMsb = (byte: number, msb: number): number => byte * 8 + (7 - msb)

/** Label in the old tools' LSB form, e.g. bit 43 → `Byte5 bit3 (LSB)`. */
export const formatLsbBitLabel = (g: number): string => `Byte${g >> 3} bit${g & 7} (LSB)`

/** A bit's position with MSB-numbered bits, e.g. bit 43 → `B5b4` (byte 5, bit 4 counted from the byte's top). */
export const msbBitPosition = (g: number): string => `B${g >> 3}b${7 - (g & 7)}`

/** Label in the old tools' MSB form, e.g. bit 43 → `MSB B5b4`. */
export const formatMsbBitLabel = (g: number): string => `MSB ${msbBitPosition(g)}`

/** Value (0 or 1) of global bit `g`; bytes beyond the payload read as 0. */
export const bitValue = (data: Uint8Array, g: number): 0 | 1 => {
  const byte = g >> 3
  if (byte >= data.length) return 0
  return ((data[byte] >> (g & 7)) & 1) as 0 | 1
}

/**
 * Calls `onBit(g, newValue)` for every global bit that differs between two payloads, in ascending
 * order. The shorter payload is treated as zero-padded, like the old tools' u64 comparison.
 * Allocation-free; the building block of the trackers.
 */
export const forEachChangedBit = (previous: Uint8Array, current: Uint8Array, onBit: (g: number, newValue: 0 | 1) => void): void => {
  const n = Math.max(previous.length, current.length)
  for (let i = 0; i < n; i++) {
    const cur = i < current.length ? current[i] : 0
    let diff = cur ^ (i < previous.length ? previous[i] : 0)
    while (diff !== 0) {
      const low = diff & -diff
      const b = 31 - Math.clz32(low)
      onBit(i * 8 + b, ((cur >> b) & 1) as 0 | 1)
      diff ^= low
    }
  }
}

/** Global bits (ascending) that differ between two payloads; the shorter one reads as zero-padded. */
export const changedBits = (previous: Uint8Array, current: Uint8Array): number[] => {
  const out: number[] = []
  forEachChangedBit(previous, current, g => out.push(g))
  return out
}
