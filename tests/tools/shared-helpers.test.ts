import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeCanFrame } from "../../src/core/can/can-frame.js"
import { pairMarkerWindows } from "../../src/core/tools/cruise-control-analyzer/marker-windows.js"
import { createBooleanRunTracker } from "../../src/core/tools/shared/boolean-runs.js"
import { csvChunks, csvMetaHeader } from "../../src/core/tools/shared/csv-table.js"
import { parseCsvText } from "../support/csv-text.js"
import { createFrameCache } from "../../src/core/tools/shared/frame-cache.js"
import { escapeHtml, artifactLink } from "../../src/core/tools/shared/html.js"
import { classifyHead } from "../../src/core/tools/shared/input-kind.js"
import { intersectIntervals, measureIntervals, unionIntervals } from "../../src/core/tools/shared/intervals.js"
import { createSampleSeries, intervalsWithin } from "../../src/core/tools/shared/sample-series.js"
import { formatNsAsDecimalSeconds } from "../../src/core/can/csv-format.js"
import { formatMmss } from "../../src/core/tools/shared/time-format.js"

const collect = async (it: AsyncIterable<string>) => {
  let s = ""
  for await (const c of it) s += c
  return s
}

describe("CSV with # metadata", () => {
  it("round-trips any cells and metadata (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string(), { minLength: 3, maxLength: 3 }), { maxLength: 20 }),
        fc.dictionary(
          fc.string({ minLength: 1 }).filter(k => !/[\r\n:#]/.test(k) && k.trim() === k),
          fc.jsonValue()
        ),
        async (rows, meta) => {
          const columns = ["a", "b", "c"]
          const text = await collect(
            csvChunks(
              columns,
              rows.map(([a, b, c]) => ({ a, b, c })),
              meta
            )
          )
          const parsed = parseCsvText(text)
          expect(parsed.header).toEqual(columns)
          expect(parsed.rows).toEqual(rows)
          expect(JSON.parse(parsed.meta.meta_json)).toEqual(JSON.parse(JSON.stringify(meta)))
        }
      ),
      { numRuns: 200 }
    )
  })

  it("keeps hostile metadata on one line per key", () => {
    const header = csvMetaHeader({ input: "a\nb\r\nc", n: 1 })
    expect(header.split("\n").filter(Boolean)).toEqual(["# input: a b c", "# n: 1", '# meta_json: {"input":"a\\nb\\r\\nc","n":1}'])
  })
})

describe("time formatting", () => {
  it("formats ns as exact seconds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), ns => {
        const text = formatNsAsDecimalSeconds(ns, 9)
        const [whole, frac] = text.replace("-", "").split(".")
        expect(BigInt(whole) * 1_000_000_000n + BigInt(frac)).toBe(BigInt(Math.abs(ns)))
        expect(text.startsWith("-")).toBe(ns < 0)
      })
    )
  })
  it("formats mm:ss.mmm", () => {
    expect([formatMmss(0), formatMmss(40.2), formatMmss(119.999), formatMmss(3600.5), formatMmss(-1.25)]).toEqual([
      "00:00.000",
      "00:40.200",
      "01:59.999",
      "60:00.500",
      "-00:01.250"
    ])
  })
})

describe("HTML escaping", () => {
  it("escapes markup and quotes, and encodes link targets", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    expect(artifactLink(`"><script>.csv`)).toBe('<a href="%22%3E%3Cscript%3E.csv">&quot;&gt;&lt;script&gt;.csv</a>')
  })
})

describe("marker windows", () => {
  const cfg = { preNs: 1500, postNs: 1500, timeoutNs: 15000 }
  it("pairs left → right within the timeout, keeps the first left, and makes partial windows", () => {
    expect(pairMarkerWindows([38500, 39000], [41500], cfg, 0, 120000)).toEqual([
      { markerStartNs: 38500, markerEndNs: 41500, startNs: 37000, endNs: 43000, partial: false }
    ])
    expect(pairMarkerWindows([10000], [40000], cfg, 0, 120000)).toEqual([
      { markerStartNs: 10000, markerEndNs: null, startNs: 8500, endNs: 25000, partial: true }
    ])
    expect(pairMarkerWindows([1000, 110000], [], cfg, 0, 120000)).toEqual([
      { markerStartNs: 1000, markerEndNs: null, startNs: 0, endNs: 16000, partial: true },
      { markerStartNs: 110000, markerEndNs: null, startNs: 108500, endNs: 120000, partial: true }
    ])
    expect(pairMarkerWindows([], [5000], cfg, 0, 120000)).toEqual([])
  })
  it("never produces overlapping markers or a window without its marker inside (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 100000 })), fc.uniqueArray(fc.integer({ min: 0, max: 100000 })), (l, r) => {
        const ws = pairMarkerWindows(l, r, cfg, 0, 100000)
        for (const w of ws) {
          expect(w.startNs).toBeLessThanOrEqual(w.markerStartNs)
          expect(w.endNs).toBeGreaterThanOrEqual(w.markerEndNs ?? w.markerStartNs)
          if (w.markerEndNs !== null) expect(w.markerEndNs - w.markerStartNs).toBeLessThanOrEqual(cfg.timeoutNs)
        }
        for (let i = 1; i < ws.length; i++) expect(ws[i].markerStartNs).toBeGreaterThan(ws[i - 1].markerEndNs ?? ws[i - 1].markerStartNs)
      })
    )
  })
})

describe("runs, series and intervals", () => {
  it("tracks boolean runs and the value at any time", () => {
    const t = createBooleanRunTracker()
    ;[
      [0, false],
      [10, true],
      [20, true],
      [30, false],
      [40, true]
    ].forEach(([ts, v]) => t.push(ts as number, v as boolean))
    expect(t.runs()).toEqual([
      { startNs: 10, lastOnNs: 20, offNs: 30, samples: 2 },
      { startNs: 40, lastOnNs: 40, offNs: null, samples: 1 }
    ])
    expect([t.valueAt(-1), t.valueAt(5), t.valueAt(10), t.valueAt(29), t.valueAt(30), t.valueAt(99)]).toEqual([undefined, false, true, true, false, true])
  })
  it("finds target intervals the old EventDetector way", () => {
    const s = createSampleSeries()
    ;[54, 55, 55.5, 57, 55, 56].forEach((v, i) => s.push(i * 10, v))
    expect(intervalsWithin(s, 55, 56)).toEqual([
      { startNs: 10, endNs: 30 },
      { startNs: 40, endNs: 50 }
    ])
  })
  it("unions, intersects and measures intervals", () => {
    expect(
      unionIntervals([
        { startNs: 5, endNs: 9 },
        { startNs: 0, endNs: 5 },
        { startNs: 20, endNs: 30 }
      ])
    ).toEqual([
      { startNs: 0, endNs: 9 },
      { startNs: 20, endNs: 30 }
    ])
    expect(intersectIntervals([{ startNs: 0, endNs: 10 }], [{ startNs: 5, endNs: 25 }])).toEqual([{ startNs: 5, endNs: 10 }])
    expect(
      measureIntervals([
        { startNs: 0, endNs: 10 },
        { startNs: 5, endNs: 15 }
      ])
    ).toBe(15)
  })
})

describe("frame cache", () => {
  const frames = Array.from({ length: 10_000 }, (_, i) =>
    makeCanFrame(
      i * 1000,
      i % 3 === 0 ? 128 : i % 3,
      0x100 + (i % 7),
      Uint8Array.from({ length: i % 9 }, (_, k) => (i + k) & 0xff)
    )
  )
  async function* batches() {
    for (let i = 0; i < frames.length; i += 333) yield frames.slice(i, i + 333)
  }
  it("replays exactly the recorded frames", async () => {
    const cache = createFrameCache()
    let passed = 0
    for await (const b of cache.record(batches())) passed += b.length
    expect(passed).toBe(frames.length)
    expect(cache.complete()).toBe(true)
    const replayed = []
    for await (const b of cache.replay()) replayed.push(...b)
    expect(replayed.map(f => [f.timeNs, f.src, f.bus, f.echo, f.address, Array.from(f.data)])).toEqual(
      frames.map(f => [f.timeNs, f.src, f.bus, f.echo, f.address, Array.from(f.data)])
    )
  })
  it("gives up past its limit instead of growing", async () => {
    const cache = createFrameCache(5000)
    for await (const _ of cache.record(batches())) void _
    expect(cache.complete()).toBe(false)
    expect(cache.frames()).toBe(0)
  })
})

describe("input sniffing", () => {
  const text = (s: string) => new TextEncoder().encode(s)
  it("tells logs, CAN CSVs, DBCs and other files apart by content", () => {
    expect(classifyHead(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 1]))).toBe("rlog-zstd")
    expect(classifyHead(text("BZh91AY&SY"))).toBe("rlog-bz2")
    expect(classifyHead(text("window,segment,timestamp,address,bus,data_hex\n1,pre,0.0,0x10,0,00\n"))).toBe("can-csv")
    expect(classifyHead(text("# comment\ntime,addr,bus,data\n"))).toBe("can-csv")
    expect(classifyHead(text('VERSION ""\n\nBO_ 37 STEER: 8 XXX\n'))).toBe("dbc")
    expect(classifyHead(text("hello world\n"))).toBe("text")
    expect(classifyHead(Uint8Array.from([0, 0, 0, 0, 3, 0, 0, 0]))).toBe("binary")
    expect(classifyHead(new Uint8Array(0))).toBe("empty")
  })
})
