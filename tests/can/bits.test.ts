import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatLsbBitSpec, formatMsbBitSpec, parseBitSpec } from "../../src/core/can/bit-spec.js"
import { bitByte, bitInByte, bitMsbInByte, bitValue, changedBits, formatLsbBitLabel, formatMsbBitLabel, globalBitFromMsb } from "../../src/core/can/bits.js"
import { ValidationError } from "../../src/core/errors.js"
import { subaruTruth } from "../support/shared-data.js"

const truthBits = Object.entries<any>(subaruTruth().bits)
const leU64 = (data: Uint8Array) => BigInt("0x" + (Buffer.from(data).reverse().toString("hex") || "0"))

describe("bit numbering against the Subaru truth table", () => {
  it.each(truthBits)("%s: byte, bit in byte and mask agree with lsb_bit", (_name, spec) => {
    const g = spec.lsb_bit
    expect(bitByte(g)).toBe(spec.byte)
    expect(bitInByte(g)).toBe(spec.bit_in_byte)
    expect(1 << bitInByte(g)).toBe(parseInt(spec.mask, 16))
    expect(globalBitFromMsb(spec.byte, bitMsbInByte(g))).toBe(g)
    const data = new Uint8Array(8)
    data[spec.byte] = parseInt(spec.mask, 16)
    expect(bitValue(data, g)).toBe(1)
    expect(changedBits(new Uint8Array(8), data)).toEqual([g])
  })

  it("labels are the old tools' LSB and MSB forms", () => {
    expect(formatLsbBitLabel(43)).toBe("Byte5 bit3 (LSB)")
    expect(formatMsbBitLabel(43)).toBe("MSB B5b4")
    expect(formatLsbBitLabel(0)).toBe("Byte0 bit0 (LSB)")
    expect(formatMsbBitLabel(0)).toBe("MSB B0b7")
    expect(formatMsbBitLabel(63)).toBe("MSB B7b0")
  })
})

describe("bit utilities (property)", () => {
  it("bitValue equals (little-endian u64 >> g) & 1", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 8 }), fc.integer({ min: 0, max: 63 }), (data, g) => {
        expect(bitValue(data, g)).toBe(Number((leU64(data) >> BigInt(g)) & 1n))
      }),
      { numRuns: 2000 }
    )
  })

  it("changedBits equals the set bits of the XOR of the zero-padded payloads", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const xor = leU64(a) ^ leU64(b)
        const expected: number[] = []
        for (let g = 0; g < 512; g++) if ((xor >> BigInt(g)) & 1n) expected.push(g)
        expect(changedBits(a, b)).toEqual(expected)
      }),
      { numRuns: 1000 }
    )
  })
})

describe("parseBitSpec", () => {
  it.each(truthBits)("%s: 0xADDR:bNN and 0xADDR:B<byte>b<msb> name the truth bit", (_name, spec) => {
    const lsb = Either.getOrThrow(parseBitSpec(`${spec.address_hex}:b${spec.lsb_bit}`))
    const msb = Either.getOrThrow(parseBitSpec(`${spec.address_hex}:B${spec.byte}b${7 - spec.bit_in_byte}`))
    for (const parsed of [lsb, msb]) {
      expect(parsed.address).toBe(spec.address)
      expect(parsed.bit).toBe(spec.lsb_bit)
      expect(parsed.byte).toBe(spec.byte)
      expect(parsed.lsbInByte).toBe(spec.bit_in_byte)
    }
    expect([lsb.form, msb.form]).toEqual(["lsb", "msb"])
  })

  it("the Set bit: 0x146:b43 = 0x146:B5b4", () => {
    expect(Either.getOrThrow(parseBitSpec(" 0x146:B5b4 "))).toEqual({
      text: "0x146:B5b4",
      form: "msb",
      address: 0x146,
      bit: 43,
      byte: 5,
      lsbInByte: 3,
      msbInByte: 4
    })
  })

  const bad: Array<[string, string]> = [
    ["0x146", "missing ':'"],
    ["146:b43", "hexadecimal with a 0x prefix"],
    ["0xZZ:b1", "hexadecimal with a 0x prefix"],
    ["0x146:b512", "beyond a 64-byte payload"],
    ["0x146:B64b0", "beyond a 64-byte payload"],
    ["0x146:B5b8", "not 0–7"],
    ["0x146:bit43", "must be bNN or B<byte>b<msb>"],
    ["0x146:b", "must be bNN or B<byte>b<msb>"],
    ["0x146:B5", "must be bNN or B<byte>b<msb>"],
    ["0x3FFFFFFF:b1", "29-bit maximum"],
    ["", "missing ':'"]
  ]
  it.each(bad)("rejects %j with a bad_bit_spec error", (text, why) => {
    const r = parseBitSpec(text)
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left).toBeInstanceOf(ValidationError)
      expect(r.left.code).toBe("bad_bit_spec")
      expect(r.left.message).toContain(`"${text.trim()}"`)
      expect(r.left.message).toContain(why)
      expect(r.left.message).toContain("0xADDR:bNN")
      expect(r.left.message).toContain("0xADDR:B<byte>b<msb>")
    }
  })

  it("formatted specs parse back to the same bit, and arbitrary text never throws (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x1fffffff }), fc.integer({ min: 0, max: 511 }), (address, bit) => {
        for (const text of [formatLsbBitSpec(address, bit), formatMsbBitSpec(address, bit)]) {
          const parsed = Either.getOrThrow(parseBitSpec(text))
          expect([parsed.address, parsed.bit]).toEqual([address, bit])
        }
      }),
      { numRuns: 1000 }
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), text => {
        const r = parseBitSpec(text)
        if (Either.isLeft(r)) expect(r.left.code).toBe("bad_bit_spec")
      }),
      { numRuns: 2000 }
    )
  })
})
