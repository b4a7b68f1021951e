import { Effect, Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { compileRawDecoder, compileSignalDecoder } from "../../src/core/dbc/dbc-compile.js"
import { decodeSignal, decodeSignalRaw } from "../../src/core/dbc/dbc-decode.js"
import { parseDbc } from "../../src/core/dbc/dbc-parser.js"
import type { DbcSignal } from "../../src/core/dbc/dbc-types.js"
import { createRowEncoder } from "../../src/core/tools/dbc-signals/row-encoder.js"
import { oracleFrames } from "../support/oracle.js"

const signalOf = (line: string, size: number): DbcSignal => Either.getOrThrow(parseDbc(`BO_ 100 T: ${size} X\n SG_ ${line}\n`)).messages[0].signals[0]

const layoutArb = fc
  .record({
    size: fc.integer({ min: 1, max: 64 }),
    motorola: fc.boolean(),
    signed: fc.boolean(),
    len: fc.nat(),
    pos: fc.nat(),
    factor: fc.constantFrom("1", "0.01", "-0.5", "1e-7", "3"),
    offset: fc.constantFrom("0", "-40", "0.25", "-1e3")
  })
  .map(({ size, motorola, signed, len, pos, factor, offset }) => {
    const length = 1 + (len % Math.min(64, size * 8))
    const p = pos % (size * 8 - length + 1)
    const start = motorola ? 8 * (p >> 3) + 7 - (p & 7) : p
    return { size, line: `S : ${start}|${length}@${motorola ? 0 : 1}${signed ? "-" : "+"} (${factor},${offset}) [0|0] "" X` }
  })

const same = (a: number, b: number) => expect(Object.is(a, b), `${a} vs ${b}`).toBe(true)

describe("compiled signal decoders", () => {
  it("equal decodeSignal / decodeSignalRaw for every layout, sign, factor and offset (property)", () => {
    fc.assert(
      fc.property(
        layoutArb.chain(l => fc.tuple(fc.constant(l), fc.uint8Array({ minLength: l.size, maxLength: l.size }))),
        ([l, data]) => {
          const s = signalOf(l.line, l.size)
          same(compileSignalDecoder(s)(data), decodeSignal(s, data))
          same(compileRawDecoder(s)(data), Number(decodeSignalRaw(s, data)))
        }
      ),
      { numRuns: 400 }
    )
  })

  it("equal decodeSignal on every signal of the bundled DBCs, over the real frames of both logs", async () => {
    const cases: Array<[string, string]> = [
      ["toyota_new_mc_pt_generated", "rav4_seg40.frames.csv"],
      ["subaru_global_2017_generated", "subaru_cruise_demo.frames.csv"]
    ]
    for (const [name, frames] of cases) {
      const dbc = await Effect.runPromise(loadBundledDbc(name))
      const decoders = new Map(dbc.messages.map(m => [m.address, m.signals.map(s => [s, compileSignalDecoder(s)] as const)]))
      let checked = 0
      for (const f of oracleFrames(frames)) {
        for (const [s, decode] of decoders.get(f.address) ?? []) {
          if (s.plan.minLength > f.data.length) continue
          same(decode(f.data), decodeSignal(s, f.data))
          checked++
        }
      }
      expect(checked, name).toBeGreaterThan(100_000)
    }
  })

  it("write the same CSV cells as the generic decoder, multiplexed and short payloads included", () => {
    const text = `BO_ 1 MUXED: 8 X
 SG_ MODE M : 7|4@0+ (1,0) [0|15] "" X
 SG_ A m1 : 8|12@1- (0.5,-2) [0|0] "" X
 SG_ B m2 : 8|16@1+ (1,0) [0|0] "" X
 SG_ WIDE : 0|64@1+ (1,0) [0|0] "" X
 SG_ TAIL : 63|8@0+ (2,1) [0|0] "" X
`
    const message = Either.getOrThrow(parseDbc(text)).messages[0]
    const encoder = createRowEncoder({ message, signals: message.signals })
    const mux = message.multiplexor!
    const expected = (data: Uint8Array) => {
      const m = mux.plan.minLength <= data.length ? Number(decodeSignalRaw(mux, data)) : undefined
      return message.signals
        .map(s =>
          s.plan.minLength <= data.length && (s.multiplexValue === undefined || s === mux || s.multiplexValue === m) ? `,${decodeSignal(s, data)}` : ","
        )
        .join("")
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 8 }), fc.constantFrom(0x10, 0x20, 0x30), (data, mode) => {
        if (data.length > 0) data[0] = (data[0] & 0x0f) | mode
        expect(encoder.cells(data)).toBe(expected(data))
        const emitted: string[] = []
        encoder.each(data, (name, value) => emitted.push(`${name}=${value}`))
        const cells = expected(data).split(",").slice(1)
        expect(emitted).toEqual(message.signals.flatMap((s, i) => (cells[i] === "" ? [] : [`${s.name}=${cells[i]}`])))
      })
    )
  })
})
