import { formatLsbBitLabel, formatMsbBitLabel } from "../../can/bits.js"
import type { Dbc } from "../../dbc/dbc-types.js"
import { formatMmss, roundTo } from "./time-format.js"

/** `0x` + uppercase hex, at least 3 digits (`0x0AF`, `0x146`), as the old tools wrote addresses. */
export const addressHex = (address: number): string => `0x${address.toString(16).toUpperCase().padStart(3, "0")}`

/** The old tools' bit columns: address_hex, bit_global, byte_index, bit_lsb, bit_msb, label_lsb, label_msb. */
export const bitColumns = (address: number, bit: number) => ({
  address_hex: addressHex(address),
  bit_global: bit,
  byte_index: bit >> 3,
  bit_lsb: bit & 7,
  bit_msb: 7 - (bit & 7),
  label_lsb: formatLsbBitLabel(bit),
  label_msb: formatMsbBitLabel(bit)
})

/** Names of the bit columns, in order. */
export const BIT_COLUMN_NAMES = ["address_hex", "bit_global", "byte_index", "bit_lsb", "bit_msb", "label_lsb", "label_msb"] as const

/** Single-instant time columns: ts_abs (log clock, s), ts_rel (s since the origin), ts_mmss. */
export const instantColumns = (timeNs: number, originNs: number) => ({
  ts_abs: roundTo(timeNs / 1e9, 6),
  ts_rel: roundTo((timeNs - originNs) / 1e9, 6),
  ts_mmss: formatMmss((timeNs - originNs) / 1e9)
})

/** Interval time columns: start_*, end_*, duration_s (3 decimals), duration_mmss. */
export const intervalColumns = (startNs: number, endNs: number, originNs: number) => ({
  start_abs: roundTo(startNs / 1e9, 6),
  start_rel: roundTo((startNs - originNs) / 1e9, 6),
  start_mmss: formatMmss((startNs - originNs) / 1e9),
  end_abs: roundTo(endNs / 1e9, 6),
  end_rel: roundTo((endNs - originNs) / 1e9, 6),
  end_mmss: formatMmss((endNs - originNs) / 1e9),
  duration_s: roundTo((endNs - startNs) / 1e9, 3),
  duration_mmss: formatMmss((endNs - startNs) / 1e9)
})

/** Names of the interval time columns, in order. */
export const INTERVAL_COLUMN_NAMES = ["start_abs", "start_rel", "start_mmss", "end_abs", "end_rel", "end_mmss", "duration_s", "duration_mmss"] as const

/** Names DBC signals by (address, bit): `Message.Signal` for every signal covering the bit. */
export const createDbcBitNamer = (dbc: Dbc | undefined) => {
  const byAddress = new Map<number, Map<number, string>>()
  for (const m of dbc?.messages ?? []) {
    const bits = new Map<number, string>()
    for (const s of m.signals) {
      for (const b of s.bits) bits.set(b, bits.has(b) ? `${bits.get(b)}|${m.name}.${s.name}` : `${m.name}.${s.name}`)
    }
    byAddress.set(m.address, bits)
  }
  return (address: number, bit: number): string => byAddress.get(address)?.get(bit) ?? ""
}
