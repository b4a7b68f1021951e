import { afterAll, describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import type { ZstdDecoderKind } from "../../src/core/log/zstd-engine.js"
import { ZSTD_DECODER_KINDS, loadZstdEngine } from "../../src/core/log/zstd-engine-choice.js"
import { MAX_WINDOW_BYTES } from "../../src/core/log/zstd-frame-header.js"
import { concat } from "./capnp-builder.js"
import { chunked, firstDifference, randomSizes, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture, readJson } from "../support/shared-data.js"

const expected = readJson("bad/EXPECTED.json")
const rav4Rows = oracleRows("rav4_seg40.frames.csv")
const available = await Promise.all(ZSTD_DECODER_KINDS.map(async k => [k, (await loadZstdEngine(k)) !== undefined] as const))
const previous = process.env.CTS_ZSTD_DECODER
afterAll(() => {
  if (previous === undefined) delete process.env.CTS_ZSTD_DECODER
  else process.env.CTS_ZSTD_DECODER = previous
})

/** Reads `bytes` with the decoder `kind` forced, in chunks of `sizes`. */
const readWith = (kind: ZstdDecoderKind, bytes: Uint8Array, sizes: ReadonlyArray<number> | number = 65536) => {
  process.env.CTS_ZSTD_DECODER = kind
  return readFrameRows(chunked(bytes, sizes))
}
const toolError = (e: unknown) => {
  expect(e).toBeInstanceOf(ToolError)
  return e as ToolError
}
/** A zstd frame header (no checksum, no content size) declaring a window of 2^log bytes, then one empty last raw block. */
const windowFrame = (log: number) => new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, (log - 10) << 3, 0x01, 0x00, 0x00])

describe.each(available)("zstd decoder %s (forced with CTS_ZSTD_DECODER)", (kind, loads) => {
  it.skipIf(!loads)("rav4_seg40.rlog.zst in random chunks equals the oracle; two frames and a skippable frame too", async () => {
    const zst = readFixture("rav4_seg40.rlog.zst")
    const one = await readWith(kind, zst, randomSizes(7, 500, 90_000))
    expect(one.error).toBeUndefined()
    expect(firstDifference(one.rows, rav4Rows)).toBe(-1)
    const skippable = new Uint8Array([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
    const two = await readWith(kind, concat(zst, skippable, zst), 1000)
    expect(two.error).toBeUndefined()
    expect(firstDifference(two.rows, [...rav4Rows, ...rav4Rows])).toBe(-1)
  })

  it.skipIf(!loads)("bad/ zstd fixtures keep their EXPECTED.json contract", async () => {
    const t = expected["truncated.rlog.zst"]
    const truncated = await readWith(kind, readFixture("bad/truncated.rlog.zst"))
    expect(truncated.error).toBeUndefined()
    expect(firstDifference(truncated.rows, rav4Rows.slice(0, t.complete_can_frames))).toBe(-1)
    expect(truncated.reader.stats.warnings[0]).toMatchObject({ code: "truncated_log", offset: t.truncated_message.byte_offset })

    const c = expected["corrupt.rlog.zst"]
    const corrupt = await readWith(kind, readFixture("bad/corrupt.rlog.zst"))
    expect(toolError(corrupt.error).code).toBe("decompression_failed")
    expect(toolError(corrupt.error).details).toMatchObject({ offset: c.flipped_byte_offset })
    expect(corrupt.rows.length).toBeLessThanOrEqual(c.can_frames_in_those_events)
    expect(firstDifference(corrupt.rows, rav4Rows.slice(0, corrupt.rows.length))).toBe(-1)
    expect(corrupt.reader.stats.bytesDecompressed).toBeLessThanOrEqual(c.bytes_decodable_before_damage)

    const k = expected["corrupt_checksum.rlog.zst"]
    const checksum = await readWith(kind, readFixture("bad/corrupt_checksum.rlog.zst"))
    expect(toolError(checksum.error).code).toBe("checksum_mismatch")
    expect(toolError(checksum.error).details).toMatchObject({ offset: k.compressed_bytes - 4 })
    expect(checksum.reader.stats.bytesDecompressed).toBe(k.original_decompressed_bytes)

    const n = expected["not_a_log.txt.zst"]
    const notLog = await readWith(kind, readFixture("bad/not_a_log.txt.zst"))
    expect(toolError(notLog.error).code).toBe("bad_segment_table")
    expect(notLog.reader.stats.bytesDecompressed).toBe(n.decompressed_bytes)

    const cut = await readWith(kind, readFixture("rav4_seg40.rlog.zst").subarray(0, 500_000))
    expect(cut.error).toBeUndefined()
    expect(cut.rows.length).toBeGreaterThan(10_000)
    expect(firstDifference(cut.rows, rav4Rows.slice(0, cut.rows.length))).toBe(-1)
    expect(cut.reader.stats.warnings[0].message).toContain("zstd stream ends inside the frame")
  })

  it.skipIf(!loads)("a frame header declaring a window above 8 MiB is refused with window_too_large before decoding", async () => {
    expect(MAX_WINDOW_BYTES).toBe(8 * 1024 * 1024)
    const ok = await readWith(kind, windowFrame(23))
    expect(ok.error).toBeUndefined()
    expect(ok.reader.stats.warnings.map(w => w.code)).toEqual(["empty_log"])
    for (const log of [24, 27, 31, 41]) {
      const rssBefore = process.memoryUsage().rss
      const big = await readWith(kind, windowFrame(log))
      const e = toolError(big.error)
      expect(e.code).toBe("window_too_large")
      expect(e.details).toMatchObject({ offset: 0 })
      expect(e.message).toContain(`${2 ** log}-byte window`)
      expect(e.suggestedAction).toContain("zstd")
      expect(big.reader.stats.bytesDecompressed).toBe(0)
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(2 ** 24)
    }
  })
})

it("the fzstd decoder loads everywhere (browsers, installs without native code)", () => {
  expect(available).toContainEqual(["fzstd", true])
})
