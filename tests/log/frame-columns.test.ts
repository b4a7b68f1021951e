import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeCanFrame } from "../../src/core/can/can-frame.js"
import { isKnownEventTag } from "../../src/core/log/event-tags.js"
import { framesOfColumns, packFrames, readFrameColumns, unpackFrames } from "../../src/core/log/frame-pack.js"
import { readLog } from "../../src/core/log/log-pipeline.js"
import { FrameSink } from "../../src/core/log/log-sinks.js"
import { StatsCollector } from "../../src/core/log/log-stats.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { PackedFrameSink } from "../../src/core/log/packed-frame-sink.js"
import { oracleRows } from "../support/oracle.js"
import { dataPath, rlogPath } from "../support/shared-data.js"
import { concat } from "./capnp-builder.js"
import { chunked, firstDifference, frameRow, readFrameRows } from "./helpers.js"
import { type TestFrame, canEvent, expectedRow } from "./hostile-builders.js"

const frameArb = fc.record({
  address: fc.oneof(fc.integer({ min: 0, max: 0x7ff }), fc.integer({ min: 0, max: 0x1fffffff })),
  src: fc.integer({ min: 0, max: 2 }),
  data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 })
})
const eventsArb = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 10 ** 9 }), frames: fc.array(frameArb, { maxLength: 12 }) }), { maxLength: 24 })
const sizesArb = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 })

const logOf = (events: ReadonlyArray<{ dt: number; frames: ReadonlyArray<TestFrame> }>) => {
  let t = 1_000_000_000
  const times = events.map(e => (t += e.dt))
  return { bytes: concat(...events.map((e, i) => canEvent(times[i]!, e.frames))), rows: events.flatMap((e, i) => e.frames.map(f => expectedRow(times[i]!, f))) }
}

/** Reads `bytes` through a sink and returns the frame rows of every batch, plus the stats. */
const readWith = async (bytes: Uint8Array, sizes: ReadonlyArray<number>, packed: boolean, capacity: number) => {
  const stats = new StatsCollector(isKnownEventTag)
  const rows: Array<string> = []
  if (packed) {
    const sink = new PackedFrameSink(stats, false, 64, capacity, capacity * 16)
    const add = (b: SharedArrayBuffer) => {
      for (const f of unpackFrames(b)) rows.push(frameRow(f))
    }
    for await (const b of readLog(chunked(bytes, sizes), stats, sink)) add(b)
    const rest = sink.rest()
    if (rest) add(rest)
  } else {
    for await (const batch of readLog(chunked(bytes, sizes), stats, new FrameSink(stats, false, 64, capacity))) for (const f of batch) rows.push(frameRow(f))
  }
  return { rows, stats: stats.snapshot() }
}

describe("packed frame columns (what segment workers post)", () => {
  it("pack → unpack gives the same frames, for any frame list (0–64 B payloads, 11/29-bit ids, buses 0–2)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ t: fc.integer({ min: 0, max: 2 ** 53 - 1 }), f: frameArb }), { maxLength: 200 }), list => {
        const frames = list.map(({ t, f }) => makeCanFrame(t, f.src, f.address, Uint8Array.from(f.data)))
        const back = unpackFrames(packFrames(frames, n => new SharedArrayBuffer(n)))
        expect(back.map(frameRow)).toEqual(frames.map(frameRow))
        expect(back).toEqual(frames)
        const columns = readFrameColumns(packFrames(frames, n => new ArrayBuffer(n)))
        expect(columns.count).toBe(frames.length)
        expect(framesOfColumns(columns)).toEqual(frames)
      }),
      { numRuns: 300 }
    )
  })

  it("a log decoded straight into columns equals the frame-object reader, at any batch capacity and input chunking", async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, sizesArb, fc.integer({ min: 1, max: 40 }), async (events, sizes, capacity) => {
        const { bytes, rows } = logOf(events)
        const packed = await readWith(bytes, sizes, true, capacity)
        const objects = await readWith(bytes, sizes, false, capacity)
        expect(packed.rows).toEqual(rows)
        expect(packed.rows).toEqual(objects.rows)
        expect(packed.stats).toEqual(objects.stats)
      }),
      { numRuns: 200 }
    )
  })

  it("a payload larger than a batch's payload room still gets through (raised payload limit)", async () => {
    const big = { address: 0x123, src: 1, data: Array.from({ length: 300 }, (_, i) => i & 255) }
    const { bytes, rows } = logOf([{ dt: 1, frames: [{ address: 1, src: 0, data: [1, 2] }, big, big] }])
    const stats = new StatsCollector(isKnownEventTag)
    const sink = new PackedFrameSink(stats, false, 1000, 4, 64)
    const out: Array<string> = []
    for await (const b of readLog(chunked(bytes, 50), stats, sink)) out.push(...unpackFrames(b).map(frameRow))
    out.push(...unpackFrames(sink.rest()!).map(frameRow))
    expect(out).toEqual(rows)
  })

  for (const [path, oracle] of [
    [rlogPath("rav4_seg40.rlog.zst"), "rav4_seg40.frames.csv"],
    [rlogPath("subaru_cruise_demo.rlog.zst"), "subaru_cruise_demo.frames.csv"],
    [rlogPath("rav4_seg40.rlog.bz2"), "rav4_seg40.frames.csv"],
    [dataPath("rlog", "bad", "truncated.rlog.zst"), undefined],
    [dataPath("rlog", "bad", "corrupt.rlog.zst"), undefined]
  ] as const) {
    it(`openLog().columns() gives frames() frames, stats and error (${path.split("/").pop()})`, async () => {
      const reader = openLog(fileSource(path))
      const rows: Array<string> = []
      let error: unknown
      try {
        for await (const c of reader.columns()) for (const f of framesOfColumns(c)) rows.push(frameRow(f))
      } catch (e) {
        error = e
      }
      const objects = await readFrameRows(fileSource(path))
      if (oracle) expect(firstDifference(rows, oracleRows(oracle))).toBe(-1)
      expect(rows.length).toBe(objects.rows.length)
      expect(firstDifference(rows, objects.rows)).toBe(-1)
      expect(reader.stats).toEqual(objects.reader.stats)
      expect(error).toEqual(objects.error)
      if (path.includes("corrupt")) expect(error).toMatchObject({ code: "decompression_failed" })
    })
  }
})
