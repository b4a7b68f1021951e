import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import type { LogEvent } from "../../src/core/log/log-event.js"
import { openLog } from "../../src/core/log/open-log.js"
import { bytesWord, canDataWord, concat, farPtr, listPtr, message, structPtr, tagWord, u64 } from "./capnp-builder.js"
import { chunked } from "./helpers.js"

const readAll = async (bytes: Uint8Array, chunk = 1 << 16) => {
  const reader = openLog(chunked(bytes, chunk))
  const events: Array<LogEvent> = []
  let error: unknown
  try {
    for await (const b of reader.events()) events.push(...b)
  } catch (e) {
    error = e
  }
  return { events, stats: reader.stats, error }
}

const simpleFrames = (e: LogEvent) => e.can!.map(f => ({ address: f.address, src: f.src, data: [...f.data], echo: f.echo, bus: f.bus }))

/** Root behind a single-far pointer; one `dat` behind another single-far pointer, one near. */
const singleFar = message([
  [farPtr(0, 0, 1)],
  [
    structPtr(0, 2, 1), // landing pad: the Event follows it
    u64(1_000_000_123),
    tagWord(4),
    listPtr(0, 7, 4), // List(CanData): 2 elements × (1 data + 1 pointer) words
    structPtr(2, 1, 1), // composite tag word: 2 elements
    canDataWord(0x123, 1),
    farPtr(0, 0, 2),
    canDataWord(0x7ff, 130),
    listPtr(0, 2, 3),
    bytesWord([0xaa, 0xbb, 0xcc])
  ],
  [listPtr(0, 2, 2), bytesWord([1, 2])]
])

/** Root and one `dat` behind double-far pointers (landing pad = far pointer + tag word). */
const doubleFar = message([
  [farPtr(1, 0, 1)],
  [farPtr(0, 0, 2), structPtr(0, 2, 1), farPtr(0, 0, 3), listPtr(0, 2, 1)],
  [u64(2_000_000_000), tagWord(16, false), listPtr(0, 7, 2), structPtr(1, 1, 1), canDataWord(0x18daf1, 0), farPtr(1, 2, 1)],
  [bytesWord([0x5a])]
])

describe("Cap'n Proto layout", () => {
  it("follows single-far pointers for the root and for data", async () => {
    const { events, error } = await readAll(singleFar)
    expect(error).toBeUndefined()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ logMonoTime: 1_000_000_123, tag: 4, which: "can", valid: true })
    expect(simpleFrames(events[0])).toEqual([
      { address: 0x123, src: 1, data: [1, 2], echo: false, bus: 1 },
      { address: 0x7ff, src: 130, data: [0xaa, 0xbb, 0xcc], echo: true, bus: 2 }
    ])
  })

  it("follows double-far pointers and reads valid=false from bit 80", async () => {
    const { events, stats, error } = await readAll(doubleFar)
    expect(error).toBeUndefined()
    expect(events[0]).toMatchObject({ logMonoTime: 2_000_000_000, tag: 16, which: "sendcan", valid: false })
    expect(simpleFrames(events[0])).toEqual([{ address: 0x18daf1, src: 0, data: [0x5a], echo: false, bus: 0 }])
    expect(stats.sendcanFrames).toBe(1)
    expect(stats.canFrames).toBe(0)
  })

  it("frames() excludes sendcan unless asked", async () => {
    const bytes = concat(singleFar, doubleFar)
    const count = async (includeSendcan: boolean) => {
      let n = 0
      for await (const b of openLog(chunked(bytes, 5)).frames({ includeSendcan })) n += b.length
      return n
    }
    expect(await count(false)).toBe(2)
    expect(await count(true)).toBe(3)
  })

  it("skips an event whose pointer leaves its segment, with a warning, and reads on", async () => {
    const broken = message([[structPtr(0, 2, 1), u64(5), tagWord(4), listPtr(100, 7, 4)]])
    const { events, stats, error } = await readAll(concat(singleFar, broken, singleFar))
    expect(error).toBeUndefined()
    expect(events.map(e => e.logMonoTime)).toEqual([1_000_000_123, 1_000_000_123])
    expect(stats.malformedEvents).toBe(1)
    expect(stats.warnings).toEqual([expect.objectContaining({ code: "malformed_event", messageIndex: 1, offset: singleFar.length })])
    expect(stats.totalEvents).toBe(3)
  })

  it("a short data section reads as defaults; an empty message or a null root is malformed, not an event", async () => {
    const short = message([[structPtr(0, 1, 0), u64(77)]])
    const empty = message([[]])
    const nullRoot = message([[[0, 0]]])
    const { events, stats, error } = await readAll(concat(short, empty, nullRoot, short))
    expect(error).toBeUndefined()
    expect(events).toHaveLength(2)
    expect(events[0]).toEqual({ logMonoTime: 77, valid: true, tag: 0, which: "initData", initData: expect.objectContaining({ dongleId: "" }) })
    expect(events[1]).toEqual(events[0])
    expect(stats.totalEvents).toBe(2)
    expect(stats.malformedEvents).toBe(2)
    expect(stats.warnings).toEqual([
      expect.objectContaining({ code: "malformed_event", messageIndex: 1, offset: short.length, count: 1 }),
      expect.objectContaining({ code: "malformed_event", messageIndex: 2, offset: short.length + empty.length, count: 1 })
    ])
  })

  it("refuses 513 segments and oversized messages before allocating", async () => {
    const header = (count: number, words: number) => {
      const b = new Uint8Array(16)
      const dv = new DataView(b.buffer)
      dv.setUint32(0, count - 1, true)
      dv.setUint32(4, words, true)
      return b
    }
    const many = await readAll(concat(singleFar, header(513, 0)))
    expect(many.events).toHaveLength(1)
    expect(many.error).toBeInstanceOf(ToolError)
    expect((many.error as ToolError).details).toMatchObject({ offset: singleFar.length, messageIndex: 1, segmentCount: 513 })
    const huge = await readAll(header(1, 0xffffffff), 3)
    expect((huge.error as ToolError).code).toBe("bad_segment_table")
    expect((huge.error as ToolError).details).toMatchObject({ offset: 0, messageBytes: 0xffffffff * 8 })
    const maxSegments = new Uint8Array(4 + 4 * 512 + 4 + 24)
    const dv = new DataView(maxSegments.buffer)
    dv.setUint32(0, 511, true)
    dv.setUint32(4, 3, true) // segment 0: the root and an Event of 2 data words; the other 511 are empty
    dv.setUint32(4 + 4 * 512 + 4 + 4, 2, true)
    const ok = await readAll(maxSegments, 7)
    expect(ok.error).toBeUndefined()
    expect(ok.events).toHaveLength(1)
  })
})
