import type { BitPlan, ByteOrder, DbcSignal } from "./dbc-types.js"

/**
 * LSB-numbered bits of a signal layout, from the value's MSB to its LSB. Intel (`@1`): the start bit
 * is the LSB and bits run upward. Motorola (`@0`): the start bit is the MSB; walking toward the LSB,
 * a bit with `bit % 8 == 0` is followed by `bit + 15`, any other by `bit − 1`.
 */
export const layoutBits = (startBit: number, length: number, byteOrder: ByteOrder): number[] => {
  const bits = new Array<number>(length)
  if (byteOrder === "intel") {
    for (let i = 0; i < length; i++) bits[i] = startBit + length - 1 - i
  } else {
    let b = startBit
    for (let i = 0; i < length; i++) {
      bits[i] = b
      b = b % 8 === 0 ? b + 15 : b - 1
    }
  }
  return bits
}

/** Groups MSB→LSB bits into per-byte chunks of adjacent bits. */
export const buildBitPlan = (bitsMsbToLsb: ReadonlyArray<number>): BitPlan => {
  const bytes: number[] = []
  const shifts: number[] = []
  const widths: number[] = []
  let minLength = 0
  let i = 0
  while (i < bitsMsbToLsb.length) {
    const top = bitsMsbToLsb[i]
    const byte = top >> 3
    let low = top
    let j = i + 1
    while (j < bitsMsbToLsb.length && bitsMsbToLsb[j] === low - 1 && bitsMsbToLsb[j] >> 3 === byte) {
      low = bitsMsbToLsb[j]
      j++
    }
    bytes.push(byte)
    shifts.push(low & 7)
    widths.push(j - i)
    minLength = Math.max(minLength, byte + 1)
    i = j
  }
  return {
    bytes: Uint8Array.from(bytes),
    shifts: Uint8Array.from(shifts),
    widths: Uint8Array.from(widths),
    minLength
  }
}

/**
 * The LSB-numbered bits (8 · byte + bit, bit 0 = LSB of data[0]) a signal covers, from the value's
 * MSB to its LSB, e.g. Subaru `Cruise_Set_Speed 51|12@0+` → 51, 50, 49, 48, 63, 62, …, 56.
 */
export const signalBits = (signal: DbcSignal): ReadonlyArray<number> => signal.bits

/** True when two signals share at least one bit. */
export const signalsOverlap = (a: DbcSignal, b: DbcSignal): boolean => {
  const mine = new Set(a.bits)
  return b.bits.some(bit => mine.has(bit))
}
