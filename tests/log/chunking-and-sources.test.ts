import { Chunk, Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import { eventStream, frameStream } from "../../src/core/log/log-stream-effect.js"
import { fileSource, routeSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { chunked, firstDifference, frameRow, randomSizes, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readFixture, rlogPath } from "../support/shared-data.js"

const rav4Rows = oracleRows("rav4_seg40.frames.csv")
const subaruRows = oracleRows("subaru_cruise_demo.frames.csv")

describe("chunk boundaries never change the output", () => {
  it("subaru .zst in 1-byte chunks", async () => {
    const { rows, error } = await readFrameRows(chunked(readFixture("subaru_cruise_demo.rlog.zst"), 1))
    expect(error).toBeUndefined()
    expect(firstDifference(rows, subaruRows)).toBe(-1)
  })

  it("unknown_union raw and truncated .zst in 1-byte chunks", async () => {
    const a = await readFrameRows(chunked(readFixture("bad/unknown_union.rlog"), 1))
    expect(firstDifference(a.rows, oracleRows("bad/unknown_union.frames.csv"))).toBe(-1)
    const b = await readFrameRows(chunked(readFixture("bad/truncated.rlog.zst"), 1))
    expect(firstDifference(b.rows, rav4Rows.slice(0, 6115))).toBe(-1)
    expect(b.reader.stats.warnings[0]).toMatchObject({ code: "truncated_log", offset: 164336, messageIndex: 301 })
  })

  for (const file of ["rav4_seg40.rlog", "rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2"]) {
    it(`${file} in 7-byte and random chunks`, async () => {
      const bytes = readFixture(file)
      for (const sizes of [[7], randomSizes(file.length, 5000, 3000)]) {
        const { rows, error, reader } = await readFrameRows(chunked(bytes, sizes))
        expect(error).toBeUndefined()
        expect(firstDifference(rows, rav4Rows)).toBe(-1)
        expect(reader.stats.totalEvents).toBe(6574)
      }
    })
  }
})

describe("sources", () => {
  it("a route of two segments (raw then zst) reads as one log", async () => {
    const { rows, reader, error } = await readFrameRows(routeSource([rlogPath("rav4_seg40.rlog"), rlogPath("rav4_seg40.rlog.zst")]))
    expect(error).toBeUndefined()
    expect(rows.length).toBe(2 * rav4Rows.length)
    expect(firstDifference(rows, [...rav4Rows, ...rav4Rows])).toBe(-1)
    expect(reader.stats.compression).toBe("mixed")
    expect(reader.stats.totalEvents).toBe(2 * 6574)
  })

  it("a route keeps going after a truncated segment and names the segment in the warning", async () => {
    const { rows, reader } = await readFrameRows([fileSource(rlogPath("bad/truncated.rlog.zst")), fileSource(rlogPath("rav4_seg40.rlog"))])
    expect(firstDifference(rows, [...rav4Rows.slice(0, 6115), ...rav4Rows])).toBe(-1)
    expect(reader.stats.warnings).toEqual([expect.objectContaining({ code: "truncated_log", segment: 0, offset: 164336 })])
  })

  it("reads a web ReadableStream", async () => {
    const bytes = readFixture("rav4_seg40.rlog.zst")
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 100_000) controller.enqueue(bytes.slice(i, i + 100_000))
        controller.close()
      }
    })
    const { rows, error } = await readFrameRows(stream)
    expect(error).toBeUndefined()
    expect(firstDifference(rows, rav4Rows)).toBe(-1)
  })

  it("reads a stream that only offers getReader() (older browsers) and cancels it on early exit", async () => {
    const bytes = readFixture("rav4_seg40.rlog.zst")
    let canceled = false
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes.slice(0, 200_000))
      },
      cancel() {
        canceled = true
      }
    })
    const readerOnly = { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>
    let frames = 0
    for await (const batch of openLog(readerOnly).frames()) {
      frames += batch.length
      if (frames > 1000) break
    }
    expect(frames).toBeGreaterThan(1000)
    expect(canceled).toBe(true)
    const whole = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes)
        controller.close()
      }
    })
    const { rows } = await readFrameRows({ getReader: () => whole.getReader() } as unknown as ReadableStream<Uint8Array>)
    expect(firstDifference(rows, rav4Rows)).toBe(-1)
  })

  it("reports progress in input bytes and stops on abort with a typed error", async () => {
    const bytes = readFixture("rav4_seg40.rlog")
    const seen: Array<number> = []
    const controller = new AbortController()
    const reader = openLog(chunked(bytes, 65536), { signal: controller.signal, onProgress: n => seen.push(n) })
    let frames = 0
    let error: unknown
    try {
      for await (const b of reader.frames()) {
        frames += b.length
        if (seen.length === 3) controller.abort()
      }
    } catch (e) {
      error = e
    }
    expect(seen).toEqual([65536, 131072, 196608])
    expect(error).toBeInstanceOf(ToolError)
    expect((error as ToolError).code).toBe("aborted")
    expect(frames).toBeLessThan(rav4Rows.length)
  })

  it("a reader is single-use", () => {
    const reader = openLog(chunked(new Uint8Array(0), 1))
    reader.frames()
    expect(() => reader.events()).toThrow(ToolError)
  })

  it("Effect streams give the same frames and typed failures", async () => {
    const rows = await Effect.runPromise(
      frameStream(fileSource(rlogPath("rav4_seg40.rlog.zst"))).pipe(
        Stream.mapConcat(batch => batch.map(frameRow)),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
    )
    expect(firstDifference(rows, rav4Rows)).toBe(-1)
    const firstTwo = await Effect.runPromise(
      eventStream(fileSource(rlogPath("subaru_cruise_demo.rlog.zst"))).pipe(Stream.flattenIterables, Stream.take(2), Stream.runCollect)
    )
    expect(Chunk.toReadonlyArray(firstTwo).map(e => e.which)).toEqual(["initData", "sentinel"])
    const failed = await Effect.runPromise(Effect.flip(Stream.runDrain(frameStream(fileSource(rlogPath("bad/garbage_header.rlog"))))))
    expect(failed.code).toBe("bad_segment_table")
  })
})
