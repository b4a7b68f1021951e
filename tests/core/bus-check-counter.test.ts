import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createBusCheckCounter, type ClosedWindow } from "../../src/core/monitors/bus-check-counter.js"
import { oracleFrames } from "../support/oracle.js"

const count = (
  frames: ReadonlyArray<{ timeNs: number; src: number; address: number }>,
  windowS: number,
  expected: Array<{ bus: number; address: number }> = []
) => {
  const windows: ClosedWindow[] = []
  const counter = createBusCheckCounter({ windowS, expected, onWindow: w => windows.push({ ...w, tallies: [] }) })
  counter.add(frames)
  counter.finish()
  return { windows, streams: counter.streams() }
}

describe("can-bus-check's counter (shared with the web page)", () => {
  it("on the demo log's oracle frames: per-window frames and missing expected streams equal a direct bucketing of the oracle", () => {
    const oracle = oracleFrames("subaru_cruise_demo.frames.csv").map(f => ({ timeNs: f.timeNs, src: f.bus, address: f.address }))
    const t0 = oracle[0]!.timeNs
    const buckets = new Map<number, number>()
    const stream40 = new Set<number>()
    for (const f of oracle) {
      const b = Math.floor((f.timeNs - t0) / 2e9)
      buckets.set(b, (buckets.get(b) ?? 0) + 1)
      if (f.src === 0 && f.address === 0x40) stream40.add(b)
    }
    const last = Math.max(...buckets.keys())
    const { windows, streams } = count(oracle, 2, [
      { bus: 0, address: 0x40 },
      { bus: 9, address: 0x123 }
    ])
    expect(windows.map(w => w.frames)).toEqual(Array.from({ length: last + 1 }, (_, b) => buckets.get(b) ?? 0))
    expect(windows.map(w => w.startS)).toEqual(Array.from({ length: last + 1 }, (_, b) => b * 2))
    expect(windows.map(w => w.missing)).toEqual(Array.from({ length: last + 1 }, (_, b) => (stream40.has(b) ? ["9:0x123"] : ["0:0x40", "9:0x123"])))
    expect(streams.reduce((n, s) => n + s.frames, 0)).toBe(oracle.length)
    expect(streams.find(s => s.bus === 0 && s.address === 0x40)!.windowsSeen).toBe(stream40.size)
  })

  it("property: every frame is counted once, in its stream and in exactly one window", () => {
    const frame = fc.record({ dt: fc.integer({ min: 0, max: 3e9 }), src: fc.integer({ min: 0, max: 3 }), address: fc.integer({ min: 0, max: 0x7ff }) })
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 300 }), fc.double({ min: 0.05, max: 5, noNaN: true }), (raw, windowS) => {
        let t = 1e12
        const frames = raw.map(f => ({ timeNs: (t += f.dt), src: f.src, address: f.address }))
        const { windows, streams } = count(frames, windowS)
        expect(windows.reduce((n, w) => n + w.frames, 0)).toBe(frames.length)
        expect(streams.reduce((n, s) => n + s.frames, 0)).toBe(frames.length)
        for (const s of streams) expect(s.frames).toBe(frames.filter(f => f.src === s.bus && f.address === s.address).length)
        for (const s of streams) expect(s.windowsSeen).toBeLessThanOrEqual(windows.length)
      })
    )
  })
})
