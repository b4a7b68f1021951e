import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseRange } from "../../src/adapters/http/byte-range.js"

describe("Range header", () => {
  it("parses the three single-range forms", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ kind: "partial", start: 0, end: 99 })
    expect(parseRange("bytes=900-", 1000)).toEqual({ kind: "partial", start: 900, end: 999 })
    expect(parseRange("bytes=-100", 1000)).toEqual({ kind: "partial", start: 900, end: 999 })
    expect(parseRange("bytes=-5000", 1000)).toEqual({ kind: "partial", start: 0, end: 999 })
    expect(parseRange("bytes=10-5000", 1000)).toEqual({ kind: "partial", start: 10, end: 999 })
  })

  it("answers the full body for absent, multi, foreign-unit or malformed ranges", () => {
    for (const h of [null, "bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=-", "bytes=5-2"]) expect(parseRange(h, 100)).toEqual({ kind: "full" })
  })

  it("is unsatisfiable past the end or for empty bodies", () => {
    expect(parseRange("bytes=1000-", 1000)).toEqual({ kind: "unsatisfiable" })
    expect(parseRange("bytes=-0", 1000)).toEqual({ kind: "unsatisfiable" })
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" })
  })

  it("always yields a range inside the body (property)", () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.option(fc.nat(2e9)), fc.option(fc.nat(2e9)), (size, a, b) => {
        const r = parseRange(`bytes=${a ?? ""}-${b ?? ""}`, size)
        if (r.kind === "partial") {
          expect(r.start).toBeGreaterThanOrEqual(0)
          expect(r.end).toBeLessThan(size)
          expect(r.start).toBeLessThanOrEqual(r.end)
        }
      })
    )
  })
})
