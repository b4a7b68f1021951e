import { spawnSync } from "node:child_process"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bz2Decoder } from "../../src/core/log/bzip2-decoder.js"

const hasBzip2 = spawnSync("bzip2", ["--help"], { stdio: "ignore" }).status === 0

const compress = (bytes: Uint8Array, level: number): Uint8Array => {
  const r = spawnSync("bzip2", [`-${level}`, "-c"], { input: bytes, maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`bzip2 failed: ${r.stderr}`)
  return new Uint8Array(r.stdout)
}

/** Decodes `input` pushed in chunks of `chunk` bytes, pulling after each. */
const decode = (input: Uint8Array, chunk: number): Uint8Array => {
  const d = new Bz2Decoder()
  const parts: Array<Uint8Array> = []
  for (let i = 0; i < input.length; i += chunk) {
    d.push(input.subarray(i, i + chunk))
    for (let p = d.pull(); p; p = d.pull()) parts.push(p)
  }
  d.end()
  for (let p = d.pull(); p; p = d.pull()) parts.push(p)
  expect(d.incomplete()).toBeUndefined()
  return Buffer.concat(parts)
}

/** Byte strings with long runs (RLE1 counts up to 255 and beyond), short runs and noise, over several blocks at level 1. */
const content = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 2000 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 70_000 })).map(([b, n]) => new Uint8Array(n).fill(b)),
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5000 })).map(([b, n]) => Uint8Array.from({ length: n }, (_, i) => (b + (i >> 2)) & 3))
    ),
    { maxLength: 40 }
  )
  .map(parts => Buffer.concat(parts))

describe.skipIf(!hasBzip2)("bzip2 decoder round trip against the bzip2 CLI (skipped when bzip2 is not installed)", () => {
  it("decodes what bzip2 -1/-9 wrote, byte for byte, in any chunking", () => {
    fc.assert(
      fc.property(content, fc.constantFrom(1, 9), fc.integer({ min: 1, max: 1 << 17 }), (bytes, level, chunk) => {
        expect(Buffer.compare(decode(compress(bytes, level), chunk), bytes)).toBe(0)
      }),
      { numRuns: 40 }
    )
  }, 120_000)

  it("concatenated streams decode to the concatenation", () => {
    const a = new TextEncoder().encode("first stream ".repeat(1000))
    const b = new Uint8Array(300_000).fill(7)
    const both = Buffer.concat([compress(a, 1), compress(b, 9)])
    expect(Buffer.compare(decode(both, 4096), Buffer.concat([a, b]))).toBe(0)
  })
})
