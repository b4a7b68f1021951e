import { Effect, Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { dbcHousekeepingBits, housekeepingRole } from "../../src/core/dbc/dbc-checksum-counter.js"
import { signalBits } from "../../src/core/dbc/dbc-bits.js"
import { decodeMessage, decodeSignal, decodeSignalRaw } from "../../src/core/dbc/dbc-decode.js"
import { encodeMessage, encodeSignal, encodeSignalRaw } from "../../src/core/dbc/dbc-encode.js"
import { parseDbc } from "../../src/core/dbc/dbc-parser.js"
import type { DbcSignal } from "../../src/core/dbc/dbc-types.js"
import { oracleFrames } from "../support/oracle.js"
import { subaruTruth } from "../support/shared-data.js"

interface Layout {
  size: number
  length: number
  motorola: boolean
  signed: boolean
  /** Position of the value's MSB (Motorola) or LSB (Intel) in the reference numbering. */
  pos: number
}

/** Builds the signal through the real parser from a generated DBC line. */
const signalOf = (l: Layout, factor = "1", offset = "0"): DbcSignal => {
  const start = l.motorola ? 8 * (l.pos >> 3) + 7 - (l.pos & 7) : l.pos
  const text = `BO_ 100 T: ${l.size} X\n SG_ S : ${start}|${l.length}@${l.motorola ? 0 : 1}${l.signed ? "-" : "+"} (${factor},${offset}) [0|0] "" X\n`
  return Either.getOrThrow(parseDbc(text)).messages[0].signals[0]
}

/**
 * Independent reference decoder in the cantools style: Intel = (little-endian integer >> start);
 * Motorola = big-endian integer, MSB at network bit 8·(start/8) + 7 − start%8.
 */
const referenceRaw = (l: Layout, data: Uint8Array): bigint => {
  const mask = (1n << BigInt(l.length)) - 1n
  let unsigned: bigint
  if (l.motorola) {
    const be = BigInt("0x" + (Buffer.from(data).toString("hex") || "0"))
    unsigned = (be >> BigInt(8 * l.size - (l.pos + l.length))) & mask
  } else {
    const le = BigInt("0x" + (Buffer.from(data).reverse().toString("hex") || "0"))
    unsigned = (le >> BigInt(l.pos)) & mask
  }
  return l.signed && unsigned >> BigInt(l.length - 1) === 1n ? unsigned - (1n << BigInt(l.length)) : unsigned
}

const layoutArb: fc.Arbitrary<Layout> = fc
  .record({ size: fc.integer({ min: 1, max: 64 }), motorola: fc.boolean(), signed: fc.boolean(), len: fc.nat(), pos: fc.nat() })
  .map(({ size, motorola, signed, len, pos }) => {
    const length = 1 + (len % Math.min(64, size * 8))
    return { size, length, motorola, signed, pos: pos % (size * 8 - length + 1) }
  })

const withData = <T>(arb: fc.Arbitrary<T & { size: number }>) =>
  arb.chain(x => fc.tuple(fc.constant(x), fc.uint8Array({ minLength: x.size, maxLength: x.size })))

const rawArb = (l: Layout): fc.Arbitrary<bigint> =>
  l.signed ? fc.bigInt(-(1n << BigInt(l.length - 1)), (1n << BigInt(l.length - 1)) - 1n) : fc.bigInt(0n, (1n << BigInt(l.length)) - 1n)

const asBig = (v: number | bigint) => BigInt(v)

describe("decodeSignalRaw against an independent reference (property)", () => {
  it("Intel and Motorola, signed and unsigned, 1–64 bits, payloads of 1–64 bytes", () => {
    fc.assert(
      fc.property(withData(layoutArb), ([l, data]) => {
        const signal = signalOf(l)
        const raw = decodeSignalRaw(signal, data)
        expect(typeof raw).toBe(l.length <= 53 ? "number" : "bigint")
        expect(asBig(raw)).toBe(referenceRaw(l, data))
      }),
      { numRuns: 1500 }
    )
  })

  it("signalBits lists exactly the bits that change the value, MSB first", () => {
    fc.assert(
      fc.property(withData(layoutArb.filter(l => l.size <= 8)), ([l, data]) => {
        const signal = signalOf(l)
        const bits = signalBits(signal)
        expect(bits.length).toBe(l.length)
        const base = referenceRaw({ ...l, signed: false }, data)
        for (let g = 0; g < l.size * 8; g++) {
          const flipped = Uint8Array.from(data)
          flipped[g >> 3] ^= 1 << (g & 7)
          const delta = referenceRaw({ ...l, signed: false }, flipped) ^ base
          const at = bits.indexOf(g)
          expect(delta).toBe(at < 0 ? 0n : 1n << BigInt(l.length - 1 - at))
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("encode → decode round trip (property)", () => {
  it("encodeSignalRaw writes only the signal's bits and decodes back", () => {
    const arb = withData(layoutArb).chain(([l, data]) => fc.tuple(fc.constant(l), fc.constant(data), rawArb(l)))
    fc.assert(
      fc.property(arb, ([l, background, raw]) => {
        const signal = signalOf(l)
        const data = Uint8Array.from(background)
        encodeSignalRaw(signal, l.length <= 53 ? Number(raw) : raw, data)
        expect(asBig(decodeSignalRaw(signal, data))).toBe(raw)
        expect(referenceRaw(l, data)).toBe(raw)
        const mine = new Set(signalBits(signal))
        const changedOutside: number[] = []
        for (let g = 0; g < l.size * 8; g++) {
          if (!mine.has(g) && ((data[g >> 3] ^ background[g >> 3]) >> (g & 7)) & 1) changedOutside.push(g)
        }
        expect(changedOutside).toEqual([])
      }),
      { numRuns: 1500 }
    )
  })

  it("encodeSignal / decodeSignal keep physical values with factor and offset", () => {
    const arb = layoutArb
      .filter(l => l.length <= 32)
      .chain(l => fc.tuple(fc.constant(l), rawArb(l), fc.constantFrom(["0.01", "-67.67"], ["1.5", "0"], ["0.1", "5"], ["-2", "1"])))
    fc.assert(
      fc.property(arb, ([l, raw, [factor, offset]]) => {
        const signal = signalOf(l, factor, offset)
        const data = new Uint8Array(l.size)
        encodeSignal(signal, Number(raw) * Number(factor) + Number(offset), data)
        expect(decodeSignalRaw(signal, data)).toBe(Number(raw))
        expect(decodeSignal(signal, data)).toBe(Number(raw) * Number(factor) + Number(offset))
      }),
      { numRuns: 500 }
    )
  })

  it("rejects values that do not fit", () => {
    const signal = signalOf({ size: 8, length: 4, motorola: false, signed: true, pos: 0 })
    expect(() => encodeSignalRaw(signal, 8, new Uint8Array(8))).toThrow(RangeError)
    expect(() => encodeSignalRaw(signal, -9, new Uint8Array(8))).toThrow(RangeError)
    expect(() => encodeSignalRaw(signal, 1, new Uint8Array(0))).toThrow(RangeError)
  })
})

describe("wide, float and multiplexed signals", () => {
  const dbc = Either.getOrThrow(
    parseDbc(`BO_ 1 WIDE: 8 X
 SG_ U40 : 8|40@1+ (1,0) [0|0] "" X
 SG_ U64 : 0|64@1+ (1,0) [0|0] "" X
 SG_ S64 : 7|64@0- (1,0) [0|0] "" X
BO_ 2 FLOATS: 16 X
 SG_ F32 : 0|32@1- (1,0) [0|0] "" X
 SG_ F64 : 64|64@1- (2,1) [0|0] "" X
BO_ 3 MUX: 8 X
 SG_ MODE M : 0|8@1+ (1,0) [0|0] "" X
 SG_ A m0 : 8|16@1+ (1,0) [0|0] "" X
 SG_ B m1 : 8|16@1+ (0.5,0) [0|0] "" X
 SG_ C : 24|8@1+ (1,0) [0|0] "" X
SIG_VALTYPE_ 2 F32 : 1;
SIG_VALTYPE_ 2 F64 : 2;
VAL_ 3 MODE 0 "first" 1 "second";
`)
  )

  it("decodes 40- and 64-bit fields exactly", () => {
    const wide = dbc.messagesByName.get("WIDE")!
    const data = Uint8Array.from([0x11, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])
    expect(decodeSignalRaw(wide.signalsByName.get("U40")!, data)).toBe(0xab89674523)
    expect(decodeSignalRaw(wide.signalsByName.get("U64")!, data)).toBe(0xefcdab8967452311n)
    expect(decodeSignalRaw(wide.signalsByName.get("S64")!, data)).toBe(0x1123456789abcdefn)
    const ones = new Uint8Array(8).fill(0xff)
    expect(decodeSignalRaw(wide.signalsByName.get("S64")!, ones)).toBe(-1n)
    expect(decodeSignal(wide.signalsByName.get("U64")!, ones)).toBe(2 ** 64)
  })

  it("reads SIG_VALTYPE_ floats as IEEE values", () => {
    const floats = dbc.messagesByName.get("FLOATS")!
    const data = new Uint8Array(16)
    const view = new DataView(data.buffer)
    view.setFloat32(0, -3.25, true)
    view.setFloat64(8, 1234.5, true)
    expect(decodeSignal(floats.signalsByName.get("F32")!, data)).toBe(-3.25)
    expect(decodeSignal(floats.signalsByName.get("F64")!, data)).toBe(1234.5 * 2 + 1)
    const out = encodeMessage(floats, { F32: 0.5, F64: 7 })
    expect(new DataView(out.buffer).getFloat32(0, true)).toBe(0.5)
    expect(new DataView(out.buffer).getFloat64(8, true)).toBe(3)
  })

  it("decodeMessage respects multiplexing, names values and lists signals the payload cannot hold", () => {
    const mux = dbc.messagesByName.get("MUX")!
    const zero = decodeMessage(mux, Uint8Array.from([0, 0x34, 0x12, 9, 0, 0, 0, 0]))
    expect(zero.values).toEqual({ MODE: 0, A: 0x1234, C: 9 })
    expect(zero.labels).toEqual({ MODE: "first" })
    const one = decodeMessage(mux, Uint8Array.from([1, 0x34, 0x12, 9, 0, 0, 0, 0]))
    expect(one.values).toEqual({ MODE: 1, B: 0x1234 * 0.5, C: 9 })
    expect(one.labels).toEqual({ MODE: "second" })
    const short = decodeMessage(mux, Uint8Array.from([1, 0x34, 0x12]))
    expect(short.values).toEqual({ MODE: 1, B: 0x1234 * 0.5 })
    expect(short.incomplete).toEqual(["C"])
    expect(() => encodeMessage(mux, { NOPE: 1 })).toThrow(RangeError)
  })
})

describe("Subaru DBC knowledge on the demo drive", () => {
  const subaru = Effect.runSync(loadBundledDbc("subaru_global_2017_generated"))
  const truth = subaruTruth()

  it("every CHECKSUM 0|8 and COUNTER 8|4 of the truth file is declared by name in the DBC", () => {
    const bits = dbcHousekeepingBits(subaru)
    const used = Object.keys(truth.frame_counts_by_bus_address).map(k => parseInt(k.split(":")[1], 16))
    for (const address of new Set(used)) {
      const entry = bits.get(address)
      expect(entry, `0x${address.toString(16)}`).toBeDefined()
      expect(entry!.checksumBits).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
      expect(entry!.counterBits).toEqual([8, 9, 10, 11])
    }
    expect(housekeepingRole({ name: "Counter" })).toBe("counter")
    expect(housekeepingRole({ name: "Cruise_Resume" })).toBeUndefined()
    expect(housekeepingRole({ name: "SUMMER" })).toBeUndefined()
  })

  it("Transmission.Gear carries its VAL_ name (D, the drive gear of every frame)", () => {
    const transmission = subaru.messagesByAddress.get(0x48)!
    const frames = oracleFrames("subaru_cruise_demo.frames.csv").filter(f => f.address === 0x48)
    expect(frames.length).toBe(truth.frame_counts_by_bus_address["0:0x48"])
    const labels = new Set(frames.map(f => decodeMessage(transmission, f.data).labels.Gear))
    expect([...labels]).toEqual(["D"])
  })
})
