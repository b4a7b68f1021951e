import { Chunk, Effect, Exit, Stream } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeCanFrame } from "../../src/core/can/can-frame.js"
import {
  CABANA_CSV_HEADER,
  canCsvHeaderLine,
  formatCabanaRow,
  formatCabanaRows,
  formatNsAsSeconds,
  formatOldToolsRow,
  formatOldToolsRows,
  OLD_TOOLS_CSV_HEADER,
  parseSecondsToNs,
  type OldToolsRowInput
} from "../../src/core/can/csv-format.js"
import { readCanCsv, type CsvFrame, type ReadCanCsvOptions } from "../../src/core/can/csv-reader.js"
import { canCsvStream } from "../../src/core/can/csv-stream.js"
import { ValidationError } from "../../src/core/errors.js"
import { oracleFrames } from "../support/oracle.js"

const readAll = async (source: Iterable<string | Uint8Array>, options?: ReadCanCsvOptions): Promise<CsvFrame[]> => {
  const out: CsvFrame[] = []
  for await (const batch of readCanCsv(source, options)) out.push(...batch)
  return out
}

const readError = async (text: string): Promise<ValidationError> => {
  try {
    await readAll([text])
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return e as ValidationError
  }
  throw new Error("expected a ValidationError")
}

/** Cuts text into pieces at the given fractions, alternating strings and UTF-8 bytes. */
const chunked = (text: string, cuts: number[], asBytes: boolean): Array<string | Uint8Array> => {
  const bytes = new TextEncoder().encode(text)
  const points = [...new Set(cuts.map(c => Math.floor(c * bytes.length)))].sort((a, b) => a - b)
  const parts: Array<string | Uint8Array> = []
  let at = 0
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(at, p))
    at = p
  }
  return asBytes ? parts : [text]
}

const plain = (f: CsvFrame) => ({ ...f, data: Array.from(f.data) })

describe("time text", () => {
  it("prints integer ns as seconds with 9 decimals and parses it back exactly", () => {
    expect(formatNsAsSeconds(46408590000000)).toBe("46408.590000000")
    expect(formatNsAsSeconds(0)).toBe("0.000000000")
    expect(formatNsAsSeconds(1)).toBe("0.000000001")
    expect(formatNsAsSeconds(-1500000000)).toBe("-1.500000000")
    expect(parseSecondsToNs("46408.59")).toBe(46408590000000)
    expect(parseSecondsToNs("52347.120")).toBe(52347120000000)
    expect(parseSecondsToNs(".5")).toBe(500000000)
    expect(parseSecondsToNs("0.0000000015")).toBe(2)
    expect(parseSecondsToNs("1e-3")).toBe(1000000)
    for (const bad of ["", ".", "-", "1.2.3", "0x10", "abc", "1,5"]) expect(parseSecondsToNs(bad)).toBeUndefined()
    expect(() => formatNsAsSeconds(0.5)).toThrow(RangeError)
    fc.assert(
      fc.property(fc.maxSafeInteger(), ns => {
        expect(parseSecondsToNs(formatNsAsSeconds(ns))).toBe(ns)
        expect(parseSecondsToNs(formatNsAsSeconds(-ns))).toBe(ns === 0 ? 0 : -ns)
      }),
      { numRuns: 2000 }
    )
  })
})

describe("writers", () => {
  const frame = makeCanFrame(46408590000000, 128, 0x260, Uint8Array.from([0x08, 0xff, 0xfb, 0, 0, 0, 0x18, 0x84]))
  it("old tools: window,segment,timestamp,address,bus,data_hex", () => {
    expect(OLD_TOOLS_CSV_HEADER).toBe("window,segment,timestamp,address,bus,data_hex")
    expect(formatOldToolsRow({ ...frame, segment: "pre" })).toBe("1,pre,46408.590000000,0x260,128,08FFFB0000001884")
    expect(formatOldToolsRow({ ...frame, segment: "window", window: 'a,"b"' })).toBe('"a,""b""",window,46408.590000000,0x260,128,08FFFB0000001884')
    expect(
      formatOldToolsRows([
        { ...frame, segment: "post" },
        { ...frame, data: new Uint8Array(0), segment: "post" }
      ])
    ).toBe("1,post,46408.590000000,0x260,128,08FFFB0000001884\n1,post,46408.590000000,0x260,128,\n")
  })
  it("cabana: time,addr,bus,data with cabana's 0x data prefix", () => {
    expect(CABANA_CSV_HEADER).toBe("time,addr,bus,data")
    expect(canCsvHeaderLine("cabana")).toBe("time,addr,bus,data\n")
    expect(formatCabanaRow({ ...frame, address: 0x1fffffff })).toBe("46408.590000000,0x1FFFFFFF,128,0x08FFFB0000001884")
    expect(formatCabanaRows([frame])).toBe("46408.590000000,0x260,128,0x08FFFB0000001884\n")
  })
})

describe("readCanCsv", () => {
  it("reads the oracle frames of the RAV4 log back unchanged through both dialects, in any chunking", async () => {
    const oracle = oracleFrames("rav4_seg40.frames.csv").slice(0, 20000)
    const frames = oracle.map(o => makeCanFrame(o.timeNs, o.bus, o.address, o.data))
    const cabana = canCsvHeaderLine("cabana") + formatCabanaRows(frames)
    const rows: OldToolsRowInput[] = frames.map((f, i) => ({ ...f, segment: i < 5000 ? "pre" : i < 15000 ? "window" : "post" }))
    const old = canCsvHeaderLine("old-tools") + formatOldToolsRows(rows)
    for (const [text, dialect] of [
      [cabana, "cabana"],
      [old, "old-tools"]
    ] as const) {
      let header: string | undefined
      const got = await readAll(chunked(text, [0.1, 0.10001, 0.5, 0.77], true), { batchSize: 4096, onHeader: h => (header = h.dialect) })
      expect(header).toBe(dialect)
      expect(got.length).toBe(oracle.length)
      const row = (timeNs: number, src: number, address: number, data: Uint8Array, segment?: string) =>
        `${timeNs},${src},${address},${Buffer.from(data).toString("hex")},${segment}`
      const expected = oracle.map((o, i) => row(o.timeNs, o.bus, o.address, o.data, dialect === "old-tools" ? rows[i].segment : undefined))
      expect(got.map(f => row(f.timeNs, f.src, f.address, f.data, f.segment))).toEqual(expected)
      if (dialect === "old-tools") expect(new Set(got.map(f => f.window))).toEqual(new Set(["1"]))
    }
  })

  it("reads what cabana and the old tools actually wrote (3 or 6 decimals, lowercase, 0x data, padded addresses)", async () => {
    const cabana = await readAll(["time,addr,bus,data\r\n0.010,0x2e4,128,0x0000000000\r\n1.5,0x25,0,0x\r\n"])
    expect(cabana.map(plain)).toEqual([
      plain(makeCanFrame(10000000, 128, 0x2e4, new Uint8Array(5))),
      plain(makeCanFrame(1500000000, 0, 0x25, new Uint8Array(0)))
    ])
    expect(cabana[0]).toMatchObject({ bus: 0, echo: true })
    const old = await readAll([
      "\ufeff# exported\n\nwindow,segment,timestamp,address,bus,data_hex\n1,PRE,30.290000,0x040,0,00 00 20 02\n\n1,window,30.3,577,2,ff\n"
    ])
    expect(old.map(plain)).toEqual([
      { ...plain(makeCanFrame(30290000000, 0, 0x40, Uint8Array.from([0, 0, 0x20, 2]))), window: "1", segment: "pre" },
      { ...plain(makeCanFrame(30300000000, 2, 577, Uint8Array.from([0xff]))), window: "1", segment: "window" }
    ])
  })

  const bad: Array<[string, string, string, number]> = [
    ["no header", "0.1,0x25,0,00\n", "bad_csv_header", 1],
    ["an empty input", "", "bad_csv_header", 1],
    ["a header without bus", "time,addr,data\n", "bad_csv_header", 1],
    ["a wrong field count", "time,addr,bus,data\n0.1,0x25,0,00\n0.2,0x25,0\n", "bad_csv_row", 3],
    ["a bad time", "time,addr,bus,data\n0.1s,0x25,0,00\n", "bad_csv_row", 2],
    ["a bad address", "time,addr,bus,data\n0.1,0xZZ,0,00\n", "bad_csv_row", 2],
    ["an address over 29 bits", "time,addr,bus,data\n0.1,0x20000000,0,00\n", "bad_csv_row", 2],
    ["a bus over 255", "time,addr,bus,data\n0.1,0x25,256,00\n", "bad_csv_row", 2],
    ["odd hex", "time,addr,bus,data\n0.1,0x25,0,0x123\n", "bad_csv_row", 2],
    ["a bad segment", "window,segment,timestamp,address,bus,data_hex\n1,during,0.1,0x25,0,00\n", "bad_csv_row", 2],
    ["an unclosed quote", 'time,addr,bus,data\n"0.1,0x25,0,00\n', "bad_csv", 2]
  ]
  it.each(bad)("rejects %s with a typed error naming the line", async (_what, text, code, line) => {
    const err = await readError(text)
    expect(err.code).toBe(code)
    expect(err.message).toContain(`line ${line}`)
  })

  it("rejects bytes that are not UTF-8", async () => {
    await expect(readAll([Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xfe])])).rejects.toMatchObject({ code: "bad_csv" })
  })

  it("canCsvStream gives the same frames as an Effect Stream and fails typed", async () => {
    const batches = await Effect.runPromise(Stream.runCollect(canCsvStream(["time,addr,bus,data\n1,0x1,0,01\n2,0x2,1,02\n"], { batchSize: 1 })))
    expect(Chunk.toArray(batches).map(b => b.map(f => f.address))).toEqual([[1], [2]])
    const exit = await Effect.runPromiseExit(Stream.runCollect(canCsvStream(["nope\n"])))
    expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error.code).toBe("bad_csv_header")
  })
})

describe("CSV round trip (property)", () => {
  const frameArb = fc.record({
    timeNs: fc.integer({ min: -1e15, max: 9e15 }),
    src: fc.integer({ min: 0, max: 255 }),
    address: fc.integer({ min: 0, max: 0x1fffffff }),
    data: fc.uint8Array({ maxLength: 64 }),
    segment: fc.constantFrom("pre" as const, "window" as const, "post" as const),
    window: fc.stringOf(fc.constantFrom("1", "2", "a", " ", ",", '"', "\n", "é"), { maxLength: 6 })
  })
  const options = fc.record({
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    bytes: fc.boolean(),
    crlf: fc.boolean(),
    batchSize: fc.integer({ min: 1, max: 7 })
  })

  it("write → read gives the same frames in both dialects, for any chunking, CRLF and batch size", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 25 }), options, async (input, o) => {
        const frames = input.map(f => ({ ...makeCanFrame(f.timeNs, f.src, f.address, f.data), segment: f.segment, window: f.window.trim() }))
        const eol = (s: string) => (o.crlf ? s.replace(/\n(?=(?:[^"]*"[^"]*")*[^"]*$)/g, "\r\n") : s)
        const cabana = eol(canCsvHeaderLine("cabana") + formatCabanaRows(frames))
        const gotCabana = await readAll(chunked(cabana, o.cuts, o.bytes), { batchSize: o.batchSize })
        expect(gotCabana.map(plain)).toEqual(frames.map(f => plain(makeCanFrame(f.timeNs, f.src, f.address, f.data))))
        const old = eol(canCsvHeaderLine("old-tools") + formatOldToolsRows(frames))
        const gotOld = await readAll(chunked(old, o.cuts, o.bytes), { batchSize: o.batchSize, dialect: "old-tools" })
        expect(gotOld.map(plain)).toEqual(frames.map(plain))
      }),
      { numRuns: 400 }
    )
  })

  it("arbitrary text never throws anything but a ValidationError", async () => {
    const line = fc.stringOf(fc.constantFrom("0", "1", "x", "0x", ",", '"', "\n", "\r", " ", "a", "time,addr,bus,data\n"), { maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(line, async text => {
        try {
          await readAll([text])
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError)
        }
      }),
      { numRuns: 1500 }
    )
  })
})
