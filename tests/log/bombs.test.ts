import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import type { ReadLimits } from "../../src/core/log/log-limits.js"
import { bz2ZerosBomb, zstdRleFrame } from "./bomb-builders.js"
import { concat } from "./capnp-builder.js"
import { chunked, firstDifference, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture } from "../support/shared-data.js"

const rav4Rows = oracleRows("rav4_seg40.frames.csv")

/** The longest prefix of the raw RAV4 log up to `max` bytes that ends on a message boundary. */
const rav4Head = (max: number): Uint8Array => {
  const raw = readFixture("rav4_seg40.rlog")
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  let at = 0
  for (;;) {
    const n = dv.getUint32(at, true) + 1
    let words = 0
    for (let i = 0; i < n; i++) words += dv.getUint32(at + 4 + 4 * i, true)
    const next = at + ((4 + 4 * n + 7) & ~7) + words * 8
    if (next > max) return raw.subarray(0, at)
    at = next
  }
}

const read = async (bytes: Uint8Array, limits?: Partial<ReadLimits>) => {
  const { rows, error, reader } = await readFrameRows(chunked(bytes, 65_536), false, { limits })
  return { rows, error: error as ToolError | undefined, stats: reader.stats }
}

describe("decompression bombs and zero floods end early with a typed error", () => {
  it("1 GiB of zeros in a 32 KiB zstd frame: not_a_log after the first 32 empty messages", async () => {
    const bomb = zstdRleFrame(1 << 30)
    expect(bomb.length).toBeLessThan(40_000)
    const r = await read(bomb)
    expect(r.error).toBeInstanceOf(ToolError)
    expect(r.error!.code).toBe("not_a_log")
    expect(r.error!.details).toMatchObject({ offset: 31 * 8, messageIndex: 31, count: 32 })
    expect(r.stats.totalEvents).toBe(0)
    expect(r.stats.bytesDecompressed).toBeLessThanOrEqual(1 << 20)
  })

  it("2 GB of zeros in 5 KB of bzip2: not_a_log after the first 32 empty messages", async () => {
    const bomb = bz2ZerosBomb(100)
    expect(bomb.length).toBe(5000)
    const r = await read(bomb)
    expect(r.error).toBeInstanceOf(ToolError)
    expect(r.error!.code).toBe("not_a_log")
    expect(r.stats.totalEvents).toBe(0)
    expect(r.stats.bytesDecompressed).toBeLessThanOrEqual(1 << 20)
  })

  it("a valid log followed by 1 GiB of zeros (zstd): its frames, then decompression_ratio_exceeded after 16 MiB", async () => {
    const head = rav4Head(100_000)
    const bomb = zstdRleFrame(1 << 30, 0, head)
    const r = await read(bomb)
    expect(r.error).toBeInstanceOf(ToolError)
    expect(r.error!.code).toBe("decompression_ratio_exceeded")
    const details = r.error!.details as { compressedBytes: number; decompressedBytes: number }
    expect(details).toMatchObject({ limit: 100, segment: 0 })
    expect(details.compressedBytes).toBeLessThanOrEqual(bomb.length)
    expect(details.decompressedBytes).toBeGreaterThan(100 * details.compressedBytes)
    expect(r.stats.bytesDecompressed).toBeLessThanOrEqual((16 << 20) + (128 << 10))
    expect(r.rows.length).toBeGreaterThan(1000)
    expect(firstDifference(r.rows, rav4Rows.slice(0, r.rows.length))).toBe(-1)
    expect(r.stats.warnings).toEqual([expect.objectContaining({ code: "malformed_event", count: r.stats.malformedEvents })])
  })

  it("a valid bzip2 log followed by 2 GB of zeros: every frame of the log, then decompression_ratio_exceeded", async () => {
    const bomb = concat(readFixture("rav4_seg40.rlog.bz2"), bz2ZerosBomb(100))
    const r = await read(bomb, { maxDecompressionRatio: 10 })
    expect(r.error?.code).toBe("decompression_ratio_exceeded")
    expect(r.error!.details).toMatchObject({ limit: 10 })
    expect(r.stats.bytesDecompressed).toBeLessThanOrEqual(10 * bomb.length + (20 << 20))
    expect(firstDifference(r.rows, rav4Rows)).toBe(-1)
  })

  it("with the ratio limit off, zeros after a valid log are read to the end and counted in one warning", async () => {
    const head = rav4Head(100_000)
    const r = await read(concat(zstdRleFrame(0, 0, head), zstdRleFrame(8 << 20)), { maxDecompressionRatio: Infinity })
    expect(r.error).toBeUndefined()
    expect(r.stats.bytesDecompressed).toBe(head.length + (8 << 20))
    expect(r.stats.malformedEvents).toBe((8 << 20) / 8)
    expect(r.stats.warnings).toEqual([
      expect.objectContaining({
        code: "malformed_event",
        count: (8 << 20) / 8,
        offset: head.length,
        messageIndex: r.stats.totalEvents,
        message: expect.stringContaining("consecutive events")
      })
    ])
    expect(firstDifference(r.rows, rav4Rows.slice(0, r.rows.length))).toBe(-1)
  })
})
