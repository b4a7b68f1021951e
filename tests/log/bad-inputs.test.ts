import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import type { LogEvent } from "../../src/core/log/log-event.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { chunked, firstDifference, frameRow, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture, readJson, rlogPath } from "../support/shared-data.js"

const expected = readJson("bad/EXPECTED.json")
const rav4Rows = oracleRows("rav4_seg40.frames.csv")

const readEventsCapturing = async (file: string) => {
  const events: Array<LogEvent> = []
  const reader = openLog(fileSource(rlogPath(file)))
  let error: unknown
  try {
    for await (const b of reader.events()) events.push(...b)
  } catch (e) {
    error = e
  }
  return { events, reader, error }
}

const asToolError = (e: unknown): ToolError => {
  expect(e).toBeInstanceOf(ToolError)
  return e as ToolError
}

describe("bad inputs behave as bad/EXPECTED.json says", () => {
  it("truncated.rlog.zst: 301 complete events, their 6,115 frames, then a truncation warning", async () => {
    const x = expected["truncated.rlog.zst"]
    const { rows, reader, error } = await readFrameRows(fileSource(rlogPath("bad/truncated.rlog.zst")))
    expect(error).toBeUndefined()
    expect(rows.length).toBe(x.complete_can_frames)
    expect(firstDifference(rows, rav4Rows.slice(0, x.complete_can_frames))).toBe(-1)
    const s = reader.stats
    expect(s.totalEvents).toBe(x.complete_events)
    expect(s.countsByTag).toEqual(Object.fromEntries(Object.entries(x.complete_events_by_union_tag).map(([k, v]) => [Number(k), v])))
    expect(s.bytesDecompressed).toBe(x.decompressed_bytes)
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatchObject({
      code: "truncated_log",
      offset: x.truncated_message.byte_offset,
      messageIndex: x.truncated_message.index
    })
  })

  it("garbage_header.rlog: bad_segment_table at offset 0, nothing yielded", async () => {
    const { events, error } = await readEventsCapturing("bad/garbage_header.rlog")
    expect(events).toEqual([])
    const e = asToolError(error)
    expect(e.code).toBe("bad_segment_table")
    expect(e.details).toMatchObject({ offset: 0, messageIndex: 0, segmentCount: expected["garbage_header.rlog"].header_segment_count })
    expect(e.suggestedAction).toBeTruthy()
  })

  it("unknown_union.rlog: 62 events, 13 unknown tags counted and skipped, other frames exact", async () => {
    const x = expected["unknown_union.rlog"]
    const { events, reader, error } = await readEventsCapturing("bad/unknown_union.rlog")
    expect(error).toBeUndefined()
    expect(events.length).toBe(x.events)
    for (const p of x.patched_events) {
      expect(events[p.message_index]).toEqual({ logMonoTime: events[p.message_index].logMonoTime, valid: true, tag: p.new_tag, which: "unknown" })
    }
    const unknownCount: Record<number, number> = {}
    for (const p of x.patched_events) unknownCount[p.new_tag] = (unknownCount[p.new_tag] ?? 0) + 1
    expect(reader.stats.unknownTags).toEqual(unknownCount)
    expect(unknownCount).toEqual({ 4000: 11, 65535: 2 })
    const rows = events.flatMap(e => (e.which === "can" ? e.can!.map(frameRow) : []))
    const oracle = oracleRows("bad/unknown_union.frames.csv")
    expect(oracle.length).toBe(955)
    expect(firstDifference(rows, oracle)).toBe(-1)
  })

  it("empty.rlog: zero events and an empty_log warning", async () => {
    const { events, reader, error } = await readEventsCapturing("bad/empty.rlog")
    expect(error).toBeUndefined()
    expect(events).toEqual([])
    expect(reader.stats.totalEvents).toBe(0)
    expect(reader.stats.warnings.map(w => w.code)).toEqual(["empty_log"])
  })

  it("not_a_log.txt.zst: decompresses, then bad_segment_table, zero events", async () => {
    const x = expected["not_a_log.txt.zst"]
    const { events, reader, error } = await readEventsCapturing("bad/not_a_log.txt.zst")
    expect(events).toEqual([])
    const e = asToolError(error)
    expect(e.code).toBe("bad_segment_table")
    expect(e.details).toMatchObject({ offset: 0, segmentCount: x.header_segment_count })
    expect(reader.stats.compression).toBe("zstd")
    expect(reader.stats.bytesDecompressed).toBe(x.decompressed_bytes)
  })

  it("corrupt.rlog.zst: decompression error after at most 239 intact events", async () => {
    const x = expected["corrupt.rlog.zst"]
    const { rows, reader, error } = await readFrameRows(fileSource(rlogPath("bad/corrupt.rlog.zst")))
    const e = asToolError(error)
    expect(e.code).toBe("decompression_failed")
    expect(e.details).toMatchObject({ offset: x.flipped_byte_offset })
    expect(reader.stats.totalEvents).toBeLessThanOrEqual(x.events_entirely_before_first_wrong_byte)
    expect(rows.length).toBeLessThanOrEqual(x.can_frames_in_those_events)
    expect(firstDifference(rows, rav4Rows.slice(0, rows.length))).toBe(-1)
    expect(reader.stats.bytesDecompressed).toBeLessThanOrEqual(x.bytes_decodable_before_damage)
  })

  it("corrupt_checksum.rlog.zst: checksum_mismatch at the end of the frame", async () => {
    const x = expected["corrupt_checksum.rlog.zst"]
    const { reader, error } = await readFrameRows(fileSource(rlogPath("bad/corrupt_checksum.rlog.zst")))
    const e = asToolError(error)
    expect(e.code).toBe("checksum_mismatch")
    expect((e.details as { offset: number }).offset).toBe(x.compressed_bytes - 4)
    expect(reader.stats.bytesDecompressed).toBe(x.original_decompressed_bytes)
  })

  it("a .zst file cut mid-frame keeps every decodable event and warns", async () => {
    const zst = readFixture("rav4_seg40.rlog.zst")
    const { rows, reader, error } = await readFrameRows(chunked(zst.subarray(0, 500_000), 65536))
    expect(error).toBeUndefined()
    expect(rows.length).toBeGreaterThan(10_000)
    expect(firstDifference(rows, rav4Rows.slice(0, rows.length))).toBe(-1)
    const [w] = reader.stats.warnings
    expect(w.code).toBe("truncated_log")
    expect(w.message).toContain("zstd stream ends inside the frame")
  })

  it("a .bz2 file cut mid-block keeps the complete blocks and warns", async () => {
    const bz2 = readFixture("rav4_seg40.rlog.bz2")
    const { rows, reader, error } = await readFrameRows(chunked(bz2.subarray(0, 400_000), 65536))
    expect(error).toBeUndefined()
    expect(rows.length).toBeGreaterThan(10_000)
    expect(firstDifference(rows, rav4Rows.slice(0, rows.length))).toBe(-1)
    expect(reader.stats.warnings[0].message).toContain("bzip2 stream ends inside the block")
  })
})
