import * as Either from "effect/Either"
import { ValidationError } from "../errors.js"
import { msbBitPosition } from "./bits.js"

/** Largest CAN identifier (29-bit extended). */
export const MAX_CAN_ADDRESS = 0x1fffffff
/** Largest payload the bit utilities accept (CAN FD), bytes. */
export const MAX_PAYLOAD_BYTES = 64

/** A bit of one CAN message, as a user named it. */
export interface BitSpec {
  /** The text as given (trimmed). */
  readonly text: string
  /** Which form it was written in: `0xADDR:bNN` (lsb) or `0xADDR:B<byte>b<msb>` (msb). */
  readonly form: "lsb" | "msb"
  readonly address: number
  /** Global LSB-numbered bit (DBC numbering): 8 · byte + bit, bit 0 = LSB of data[0]. */
  readonly bit: number
  /** Byte index. */
  readonly byte: number
  /** Position inside the byte counted from the LSB (0–7). */
  readonly lsbInByte: number
  /** Position inside the byte counted from the MSB (0–7), as in `B5b4`. */
  readonly msbInByte: number
}

const ACCEPTED = "`0xADDR:bNN` (global LSB bit, e.g. 0x146:b43) or `0xADDR:B<byte>b<msb>` (byte and MSB-numbered bit, e.g. 0x146:B5b4)"

const LSB_FORM = /^0x([0-9a-fA-F]{1,8}):b(\d{1,3})$/
const MSB_FORM = /^0x([0-9a-fA-F]{1,8}):B(\d{1,2})b(\d{1,2})$/

const badSpec = (text: string, why: string) =>
  new ValidationError({
    code: "bad_bit_spec",
    message: `Bad bit spec "${text}": ${why}. Accepted forms: ${ACCEPTED}.`,
    suggestedAction: "Write the bit as 0x146:b43 or 0x146:B5b4 (both name bit 3 of byte 5 of address 0x146).",
    details: { text, accepted: ["0xADDR:bNN", "0xADDR:B<byte>b<msb>"] }
  })

const build = (text: string, form: "lsb" | "msb", address: number, bit: number): BitSpec => ({
  text,
  form,
  address,
  bit,
  byte: bit >> 3,
  lsbInByte: bit & 7,
  msbInByte: 7 - (bit & 7)
})

const checkAddress = (text: string, hex: string): Either.Either<number, ValidationError> => {
  const address = parseInt(hex, 16)
  return address > MAX_CAN_ADDRESS ? Either.left(badSpec(text, `address 0x${hex} is above the 29-bit maximum 0x1FFFFFFF`)) : Either.right(address)
}

/**
 * Parses a user bit spec: `0xADDR:bNN` (global LSB bit) or `0xADDR:B<byte>b<msb>` (MSB numbering
 * within the byte, the old can-bitwatch form). `0x146:b43` and `0x146:B5b4` name the same bit.
 * Fails with a `bad_bit_spec` ValidationError naming the text and the accepted forms.
 */
export const parseBitSpec = (input: string): Either.Either<BitSpec, ValidationError> => {
  const text = input.trim()
  const lsb = LSB_FORM.exec(text)
  if (lsb) {
    const bit = Number(lsb[2])
    if (bit >= MAX_PAYLOAD_BYTES * 8) return Either.left(badSpec(text, `bit ${bit} is beyond a 64-byte payload (0–511)`))
    return Either.map(checkAddress(text, lsb[1]), address => build(text, "lsb", address, bit))
  }
  const msb = MSB_FORM.exec(text)
  if (msb) {
    const byte = Number(msb[2])
    const msbBit = Number(msb[3])
    if (byte >= MAX_PAYLOAD_BYTES) return Either.left(badSpec(text, `byte ${byte} is beyond a 64-byte payload (0–63)`))
    if (msbBit > 7) return Either.left(badSpec(text, `bit b${msbBit} is not 0–7`))
    return Either.map(checkAddress(text, msb[1]), address => build(text, "msb", address, byte * 8 + (7 - msbBit)))
  }
  if (!text.includes(":")) return Either.left(badSpec(text, "missing ':' between address and bit"))
  if (!/^0x[0-9a-fA-F]+:/.test(text)) return Either.left(badSpec(text, "the address must be hexadecimal with a 0x prefix"))
  return Either.left(badSpec(text, "the bit part must be bNN or B<byte>b<msb>"))
}

/** Formats a bit in the `0xADDR:bNN` form (uppercase hex address). */
export const formatLsbBitSpec = (address: number, bit: number): string => `0x${address.toString(16).toUpperCase()}:b${bit}`

/** Formats a bit in the `0xADDR:B<byte>b<msb>` form (uppercase hex address). */
export const formatMsbBitSpec = (address: number, bit: number): string => `0x${address.toString(16).toUpperCase()}:${msbBitPosition(bit)}`
