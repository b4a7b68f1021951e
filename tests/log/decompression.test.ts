import xxhash from "xxhash-wasm"
import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import { Bz2Decoder } from "../../src/core/log/bzip2-decoder.js"
import { detectCompression } from "../../src/core/log/compression.js"
import { bz2Zeros20mb as zeros20mb } from "./bomb-builders.js"
import { concat } from "./capnp-builder.js"
import { chunked, firstDifference, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture } from "../support/shared-data.js"

const rav4Rows = oracleRows("rav4_seg40.frames.csv")
const unknownRows = oracleRows("bad/unknown_union.frames.csv")

/** A zstd frame made of raw (and optionally one RLE) blocks, with an optional XXH64 checksum. */
const zstdFrame = async (content: Uint8Array, opts: { checksum: boolean; blockSize: number; rlePrefix?: number }) => {
  const parts: Array<Uint8Array> = []
  const total = content.length + (opts.rlePrefix ?? 0)
  const head = new Uint8Array(9)
  head.set([0x28, 0xb5, 0x2f, 0xfd, (2 << 6) | (1 << 5) | (opts.checksum ? 4 : 0)])
  new DataView(head.buffer).setUint32(5, total, true)
  parts.push(head)
  const blockHeader = (last: boolean, type: number, size: number) => {
    const v = (size << 3) | (type << 1) | (last ? 1 : 0)
    return new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff])
  }
  // The RLE prefix is a run of zero bytes; the content is expected to start with that many zeros.
  if (opts.rlePrefix) parts.push(blockHeader(content.length === 0, 1, opts.rlePrefix), new Uint8Array([0]))
  for (let i = 0; i < content.length; i += opts.blockSize) {
    const piece = content.subarray(i, i + opts.blockSize)
    parts.push(blockHeader(i + opts.blockSize >= content.length, 0, piece.length), piece)
  }
  if (opts.checksum) {
    const h = (await xxhash()).create64()
    if (opts.rlePrefix) h.update(new Uint8Array(opts.rlePrefix))
    h.update(content)
    const c = new Uint8Array(4)
    new DataView(c.buffer).setUint32(0, Number(h.digest() & 0xffffffffn), true)
    parts.push(c)
  }
  return concat(...parts)
}

const codeOf = (e: unknown) => (e instanceof ToolError ? e.code : String(e))

describe("compression detection and decoding", () => {
  it("detects by magic bytes, not by name", () => {
    expect(detectCompression(readFixture("rav4_seg40.rlog.zst").subarray(0, 4))).toBe("zstd")
    expect(detectCompression(readFixture("rav4_seg40.rlog.bz2").subarray(0, 4))).toBe("bz2")
    expect(detectCompression(readFixture("rav4_seg40.rlog").subarray(0, 4))).toBe("none")
  })

  it("zstd: several frames and a skippable frame in one file", async () => {
    const zst = readFixture("rav4_seg40.rlog.zst")
    const skippable = new Uint8Array([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
    const { rows, error } = await readFrameRows(chunked(concat(skippable, zst, zst), 40_000))
    expect(error).toBeUndefined()
    expect(firstDifference(rows, [...rav4Rows, ...rav4Rows])).toBe(-1)
  })

  it("zstd: raw and RLE blocks, with and without checksum, verified; a wrong checksum fails", async () => {
    const raw = readFixture("bad/unknown_union.rlog")
    for (const checksum of [true, false]) {
      const frame = await zstdFrame(raw, { checksum, blockSize: 5000 })
      const { rows, error } = await readFrameRows(chunked(frame, 333))
      expect(error).toBeUndefined()
      expect(firstDifference(rows, unknownRows)).toBe(-1)
    }
    // 16 zero bytes = two empty messages (1 segment of 0 words, no root) ahead of the log: skipped as malformed
    const withRle = await zstdFrame(raw, { checksum: true, blockSize: 7000, rlePrefix: 16 })
    const r = await readFrameRows(chunked(withRle, 1000))
    expect(r.error).toBeUndefined()
    expect(firstDifference(r.rows, unknownRows)).toBe(-1)
    expect(r.reader.stats.totalEvents).toBe(62)
    expect(r.reader.stats.warnings).toEqual([expect.objectContaining({ code: "malformed_event", offset: 0, messageIndex: 0, count: 2 })])
    const bad = await zstdFrame(raw, { checksum: true, blockSize: 5000 })
    bad[bad.length - 1] ^= 0x40
    expect(codeOf((await readFrameRows(chunked(bad, 4096))).error)).toBe("checksum_mismatch")
  })

  it("zstd: refuses oversized windows, dictionaries, reserved bits and trailing garbage", async () => {
    const header = (...bytes: Array<number>) => new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, ...bytes, 0, 0, 0, 0, 0, 0])
    const hugeWindow = await readFrameRows(chunked(header(0, 18 << 3), 64))
    expect(codeOf(hugeWindow.error)).toBe("window_too_large")
    expect((hugeWindow.error as ToolError).message).toContain("window")
    expect(codeOf((await readFrameRows(chunked(header(1, 0x50, 7), 64))).error)).toBe("decompression_failed")
    expect(codeOf((await readFrameRows(chunked(header(8, 0x50), 64))).error)).toBe("decompression_failed")
    const zst = readFixture("rav4_seg40.rlog.zst")
    const trailing = await readFrameRows(chunked(concat(zst, new TextEncoder().encode("garbage!")), 65536))
    expect(codeOf(trailing.error)).toBe("decompression_failed")
    expect((trailing.error as ToolError).details).toMatchObject({ offset: zst.length })
    expect(firstDifference(trailing.rows, rav4Rows)).toBe(-1)
  })

  it("bzip2: concatenated streams; a damaged block fails after the intact blocks' events", async () => {
    const bz2 = readFixture("rav4_seg40.rlog.bz2")
    const two = await readFrameRows(chunked(concat(bz2, bz2), 100_000))
    expect(two.error).toBeUndefined()
    expect(firstDifference(two.rows, [...rav4Rows, ...rav4Rows])).toBe(-1)
    const damaged = bz2.slice()
    damaged[damaged.length - 1000] ^= 0x10
    const d = await readFrameRows(chunked(damaged, 65536))
    expect(codeOf(d.error)).toBe("decompression_failed")
    expect(d.rows.length).toBeGreaterThan(0)
    expect(firstDifference(d.rows, rav4Rows.slice(0, d.rows.length))).toBe(-1)
  })

  it("bzip2: bad level, trailing garbage and a wrong block CRC are decompression errors", async () => {
    expect(codeOf((await readFrameRows(chunked(new TextEncoder().encode("BZh0xxxxxxxxxxxxxxxx"), 8))).error)).toBe("decompression_failed")
    const drain = (bytes: Uint8Array) => {
      const d = new Bz2Decoder()
      d.push(bytes)
      d.end()
      let n = 0
      try {
        for (let p = d.pull(); p !== undefined; p = d.pull()) n += p.length
      } catch (e) {
        return { n, error: e as Error }
      }
      return { n, error: undefined }
    }
    expect(drain(zeros20mb()).n).toBe(20_000_000)
    const trailing = drain(concat(zeros20mb(), new TextEncoder().encode("not bzip2")))
    expect(trailing.n).toBe(20_000_000)
    expect(trailing.error?.message).toContain("after the end of a bzip2 stream")
    const badCrc = zeros20mb()
    badCrc[10] ^= 0x01 // inside the stored block CRC
    const c = drain(badCrc)
    expect(c.n).toBe(0)
    expect(c.error?.message).toContain("CRC mismatch")
  })

  it("bzip2: a block that expands past the hold limit (20 MB of zeros from 50 bytes) is verified, then replayed", () => {
    const d = new Bz2Decoder()
    d.push(zeros20mb())
    d.end()
    let total = 0
    let nonZero = 0
    let largest = 0
    for (let p = d.pull(); p !== undefined; p = d.pull()) {
      total += p.length
      largest = Math.max(largest, p.length)
      for (let i = 0; i < p.length; i++) if (p[i] !== 0) nonZero++
    }
    expect(total).toBe(20_000_000)
    expect(nonZero).toBe(0)
    expect(largest).toBeLessThanOrEqual(1 << 18)
    expect(d.incomplete()).toBeUndefined()
  })
})
