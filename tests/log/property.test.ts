import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import { openLog } from "../../src/core/log/open-log.js"
import { chunked, firstDifference, frameRow } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture } from "../support/shared-data.js"

/** Reads everything; returns rows and the error, which must be a ToolError if any. */
const readLoose = async (bytes: Uint8Array, sizes: ReadonlyArray<number>) => {
  const reader = openLog(chunked(bytes, sizes))
  const rows: Array<string> = []
  try {
    for await (const b of reader.frames()) for (const f of b) rows.push(frameRow(f))
  } catch (e) {
    if (!(e instanceof ToolError)) throw e
    return { rows, error: e, stats: reader.stats }
  }
  return { rows, error: undefined, stats: reader.stats }
}

const sizesArb = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 })
const rav4Rows = oracleRows("rav4_seg40.frames.csv")
const unknownRows = oracleRows("bad/unknown_union.frames.csv")
const fixtures = {
  raw: { bytes: readFixture("bad/unknown_union.rlog"), rows: unknownRows },
  zst: { bytes: readFixture("bad/truncated.rlog.zst"), rows: rav4Rows.slice(0, 6115) },
  bz2: { bytes: readFixture("rav4_seg40.rlog.bz2").subarray(0, 120_000), rows: rav4Rows }
}
const prefixes = {
  none: new Uint8Array(0),
  zstd: new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]),
  bz2: new TextEncoder().encode("BZh9"),
  capnp: new Uint8Array([0, 0, 0, 0, 2, 0, 0, 0])
}

describe("property: the reader never crashes, hangs or misreads", () => {
  it("arbitrary bytes (plain or behind a zstd / bzip2 / Cap'n Proto header) end in success or a ToolError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.values(prefixes)), fc.uint8Array({ maxLength: 4096 }), sizesArb, async (prefix, tail, sizes) => {
        const bytes = new Uint8Array(prefix.length + tail.length)
        bytes.set(prefix)
        bytes.set(tail, prefix.length)
        const r = await readLoose(bytes, sizes)
        if (r.error) expect(r.error.suggestedAction).toBeTruthy()
        if (r.error) expect(r.stats.bytesIn).toBeLessThanOrEqual(bytes.length)
        else expect(r.stats.bytesIn).toBe(bytes.length)
      }),
      { numRuns: 300 }
    )
  })

  it("any truncation of a good log yields a prefix of the oracle frames and no error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(fixtures) as Array<keyof typeof fixtures>)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        sizesArb,
        async (kind, cut, sizes) => {
          const f = fixtures[kind]
          const bytes = f.bytes.subarray(0, Math.floor(cut * f.bytes.length))
          const r = await readLoose(bytes, sizes)
          expect(r.error).toBeUndefined()
          expect(firstDifference(r.rows, f.rows.slice(0, r.rows.length))).toBe(-1)
          if (bytes.length === 0) expect(r.stats.warnings.map(w => w.code)).toEqual(["empty_log"])
        }
      ),
      { numRuns: 60 }
    )
  })

  it("any chunking of a good log gives exactly the oracle frames", async () => {
    const raw = fixtures.raw
    await fc.assert(
      fc.asyncProperty(sizesArb, async sizes => {
        const r = await readLoose(raw.bytes, sizes)
        expect(r.error).toBeUndefined()
        expect(firstDifference(r.rows, raw.rows)).toBe(-1)
      }),
      { numRuns: 50 }
    )
  })

  it("corrupting bytes of a good log (raw, zstd, bzip2) gives a ToolError or frames, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(fixtures) as Array<keyof typeof fixtures>)),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        sizesArb,
        async (kind, flips, sizes) => {
          const bytes = fixtures[kind].bytes.slice()
          for (const [where, xor] of flips) bytes[Math.floor(where * (bytes.length - 1))] ^= xor
          const r = await readLoose(bytes, sizes)
          expect(r.stats.totalEvents).toBeGreaterThanOrEqual(0)
        }
      ),
      { numRuns: 150 }
    )
  })
})
