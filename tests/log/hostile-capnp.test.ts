import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ToolError } from "../../src/core/errors.js"
import { openLog } from "../../src/core/log/open-log.js"
import type { ReadLimits } from "../../src/core/log/log-limits.js"
import { concat, message } from "./capnp-builder.js"
import { chunked, readFrameRows } from "./helpers.js"
import {
  type TestFrame,
  canEvent,
  expectedRow,
  farChainEvent,
  farLoopEvent,
  listPastEndEvent,
  lyingCompositeEvent,
  sharedBlobEvent
} from "./hostile-builders.js"

const read = async (bytes: Uint8Array, sizes: ReadonlyArray<number> | number, limits?: Partial<ReadLimits>) => {
  const { rows, error, reader } = await readFrameRows(chunked(bytes, sizes), false, { limits })
  return { rows, error, stats: reader.stats }
}

const frameArb = (maxData: number) =>
  fc.record({
    address: fc.integer({ min: 0, max: 0x1fffffff }),
    src: fc.integer({ min: 0, max: 255 }),
    data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: maxData })
  })
const goodArb = fc.record({ kind: fc.constant("good" as const), frames: fc.array(frameArb(64), { maxLength: 6 }) })

/** A hostile message and what a reader must make of it: skipped (malformed) or its short frames kept, long ones dropped. */
type Hostile = {
  readonly bytes: Uint8Array
  readonly malformed: boolean
  readonly kept: ReadonlyArray<TestFrame>
  readonly dropped: number
  readonly header?: boolean
}

const hostileArb: fc.Arbitrary<(time: number) => Hostile> = fc.oneof(
  // 20 k CanData sharing one 64 KiB–1 MiB blob: tens of GB of "payload", ended by the traversal budget
  fc.integer({ min: 16, max: 20 }).map(log2 => (time: number) => {
    const blob = 1 << log2
    return { bytes: sharedBlobEvent(time, Math.ceil((9 << 20) / (blob / 8)), blob), malformed: true, kept: [], dropped: 0, header: true }
  }),
  fc.constantFrom<0 | 1>(0, 1).map(d => () => ({ bytes: farLoopEvent(d), malformed: true, kept: [], dropped: 0 })),
  fc.integer({ min: 1, max: 6 }).map(hops => () => ({ bytes: farChainEvent(hops), malformed: true, kept: [], dropped: 0 })),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 1 << 20 })).map(([words, extra]) => (time: number) => ({
    bytes: lyingCompositeEvent(time, Math.floor(words / 2) + extra, words),
    malformed: true,
    kept: [],
    dropped: 0,
    header: true
  })),
  fc
    .integer({ min: 1, max: 1 << 26 })
    .map(beyond => (time: number) => ({ bytes: listPastEndEvent(time, beyond), malformed: true, kept: [], dropped: 0, header: true })),
  fc.constant(() => ({ bytes: message([[]]), malformed: true, kept: [], dropped: 0 })),
  fc.constant(() => ({ bytes: message([[[0, 0]]]), malformed: true, kept: [], dropped: 0 })),
  // oversized byte lists: frames with 65 B – 4 KiB payloads among normal ones are dropped, the rest kept
  fc
    .array(
      fc.oneof(
        frameArb(64).map(f => ({ f, big: false })),
        frameArb(0).chain(f => fc.integer({ min: 65, max: 4096 }).map(n => ({ f: { ...f, data: Array.from({ length: n }, (_, i) => i & 0xff) }, big: true })))
      ),
      { minLength: 1, maxLength: 8 }
    )
    .map(items => (time: number) => ({
      bytes: canEvent(
        time,
        items.map(i => i.f)
      ),
      malformed: false,
      kept: items.filter(i => !i.big).map(i => i.f),
      dropped: items.filter(i => i.big).length
    }))
)

const logArb = fc.tuple(
  goodArb,
  fc.array(fc.oneof({ weight: 2, arbitrary: goodArb }, { weight: 1, arbitrary: hostileArb.map(make => ({ kind: "hostile" as const, make })) }), {
    maxLength: 12
  }),
  fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 })
)

describe("hostile Cap'n Proto: bounded work, no crash, the good messages around it kept exactly", () => {
  it("shared pointers, far loops and chains, lying composite tags, lists past the end, empty roots, oversized byte lists", async () => {
    await fc.assert(
      fc.asyncProperty(logArb, async ([first, rest, sizes]) => {
        const parts: Array<Uint8Array> = []
        const rows: Array<string> = []
        let malformed = 0
        let dropped = 0
        let events = 0
        ;[first, ...rest].forEach((m, i) => {
          const time = 1_000_000 * (i + 1)
          if (m.kind === "good") {
            parts.push(canEvent(time, m.frames))
            for (const f of m.frames) rows.push(expectedRow(time, f))
            events++
            return
          }
          const h = m.make(time)
          parts.push(h.bytes)
          for (const f of h.kept) rows.push(expectedRow(time, f))
          if (h.malformed) malformed++
          if (!h.malformed || h.header) events++
          dropped += h.dropped
        })
        const r = await read(concat(...parts), sizes)
        expect(r.error).toBeUndefined()
        expect(r.rows).toEqual(rows)
        expect(r.stats.malformedEvents).toBe(malformed)
        expect(r.stats.oversizedCanFrames).toBe(dropped)
        expect(r.stats.canFrames).toBe(rows.length)
        expect(r.stats.totalEvents).toBe(events)
        for (const w of r.stats.warnings) {
          expect(w.count).toBeGreaterThan(0)
          expect(w.offset).toBeTypeOf("number")
          expect(w.messageIndex).toBeTypeOf("number")
        }
      }),
      { numRuns: 60 }
    )
  }, 120_000)

  it("the traversal limit is configurable: 20,000 CanData sharing one 8-byte blob pass by default and are skipped under a 10,000-word limit", async () => {
    const shared = sharedBlobEvent(5, 20_000, 8)
    const good = canEvent(7, [{ address: 0x123, src: 1, data: [1, 2, 3] }])
    const byDefault = await read(concat(good, shared, good), 65_536)
    expect(byDefault.rows).toHaveLength(20_002)
    const limited = await read(concat(good, shared, good), 65_536, { traversalLimitWords: 10_000 })
    expect(limited.error).toBeUndefined()
    expect(limited.rows).toEqual([expectedRow(7, { address: 0x123, src: 1, data: [1, 2, 3] }), expectedRow(7, { address: 0x123, src: 1, data: [1, 2, 3] })])
    expect(limited.stats.warnings).toEqual([
      expect.objectContaining({ code: "malformed_event", offset: good.length, messageIndex: 1, count: 1, message: expect.stringContaining("traversal limit") })
    ])
  })

  it("the issue's sample: 20,000 CanData on one 1 MiB blob is one skipped event, and no frame over 64 bytes comes out", async () => {
    const good = canEvent(7, [{ address: 0x7ff, src: 0, data: [9] }])
    const r = await read(concat(good, sharedBlobEvent(8, 20_000, 1 << 20), good), 1 << 16)
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([expectedRow(7, { address: 0x7ff, src: 0, data: [9] }), expectedRow(7, { address: 0x7ff, src: 0, data: [9] })])
    expect(r.stats.malformedEvents).toBe(1)
  })

  it("a 4 KiB dat is dropped with an oversized_can_frame warning (offset, message index, count); maxCanPayloadBytes changes the bound", async () => {
    const big = Array.from({ length: 4096 }, (_, i) => i & 0xff)
    const frames = [
      { address: 1, src: 0, data: [1] },
      { address: 2, src: 0, data: big },
      { address: 3, src: 0, data: big.slice(0, 64) }
    ]
    const good = canEvent(3, [{ address: 9, src: 2, data: [] }])
    const bytes = concat(good, canEvent(4, frames), canEvent(5, frames))
    const r = await read(bytes, 999)
    expect(r.rows).toEqual([
      expectedRow(3, { address: 9, src: 2, data: [] }),
      expectedRow(4, frames[0]),
      expectedRow(4, frames[2]),
      expectedRow(5, frames[0]),
      expectedRow(5, frames[2])
    ])
    expect(r.stats.oversizedCanFrames).toBe(2)
    expect(r.stats.warnings).toEqual([expect.objectContaining({ code: "oversized_can_frame", offset: good.length, messageIndex: 1, count: 2 })])
    const classic = await read(bytes, 999, { maxCanPayloadBytes: 8 })
    expect(classic.rows).toHaveLength(3)
    expect(classic.stats.oversizedCanFrames).toBe(4)
    const events = openLog(chunked(bytes, 999)).events()
    for await (const batch of events) for (const e of batch) for (const f of e.can ?? []) expect(f.data.length).toBeLessThanOrEqual(64)
  })

  it("malformed messages at the start: 31 are skipped, 32 make the input not_a_log; later runs are counted in one warning", async () => {
    const good = canEvent(3, [{ address: 9, src: 2, data: [1] }])
    const empties = (n: number) => new Uint8Array(8 * n)
    const ok = await read(concat(empties(31), good), 4096)
    expect(ok.error).toBeUndefined()
    expect(ok.rows).toHaveLength(1)
    expect(ok.stats.warnings).toEqual([expect.objectContaining({ code: "malformed_event", offset: 0, messageIndex: 0, count: 31 })])
    const bad = await read(concat(empties(32), good), 4096)
    expect(bad.error).toBeInstanceOf(ToolError)
    expect((bad.error as ToolError).code).toBe("not_a_log")
    expect((bad.error as ToolError).details).toMatchObject({ offset: 31 * 8, messageIndex: 31, count: 32 })
    expect((await read(concat(empties(32), good), 4096, { maxLeadingMalformed: 33 })).rows).toHaveLength(1)
    const later = await read(concat(good, empties(100_000), good), 65_536)
    expect(later.error).toBeUndefined()
    expect(later.rows).toHaveLength(2)
    expect(later.stats.warnings).toEqual([expect.objectContaining({ code: "malformed_event", offset: good.length, messageIndex: 1, count: 100_000 })])
  })
})
