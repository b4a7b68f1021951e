import { Schema } from "effect"
import { ExpectedStreamFields, expectedStreams, streamId, streamLabel, type StreamKey } from "../../monitors/expected-streams.js"
import { MonitorSourceFields } from "../../monitors/monitor-params.js"
import { type MonitorTable, tableData } from "../../monitors/monitor-table.js"
import { runMonitor } from "../../monitors/run-monitor.js"
import { csvChunks } from "../shared/csv-table.js"
import { defineMonitor } from "../../monitors/define-monitor.js"
import { runToolAsync } from "../shared/run-async.js"
import { withDefault } from "../shared/param-schemas.js"

const ID = "can-bus-check"

const Params = Schema.Struct({
  ...MonitorSourceFields,
  ...ExpectedStreamFields,
  window_s: withDefault(Schema.Number.pipe(Schema.finite(), Schema.positive()), 5, "Length of a counting window in seconds (CAN time)."),
  only_expected: withDefault(Schema.Boolean, false, "Count only the expected streams (default: every stream seen).")
}).annotations({ identifier: "CanBusCheckParams" })
type Params = typeof Params.Type

/** The live table of a closed window: every stream's total and window counts, window rate, and missing expected streams. */
const windowTable = (
  title: string,
  tallies: ReadonlyArray<Tally>,
  expected: ReadonlyArray<StreamKey>,
  expectedIds: ReadonlySet<number>,
  windowS: number
): MonitorTable => {
  const seen = new Set(tallies.map(t => streamId(t.bus, t.address)))
  const rows = [...tallies, ...expected.filter(s => !seen.has(streamId(s.bus, s.address))).map(s => ({ ...s, frames: 0, windowFrames: 0, windowsSeen: 0 }))]
    .sort((a, b) => a.bus - b.bus || a.address - b.address)
    .map(t => {
      const isExpected = expectedIds.has(streamId(t.bus, t.address))
      return [
        streamLabel(t),
        t.frames,
        t.windowFrames,
        Number((t.windowFrames / windowS).toFixed(1)),
        t.windowsSeen,
        isExpected,
        isExpected && t.windowFrames === 0 ? "MISSING" : ""
      ]
    })
  return { title, columns: ["stream", "frames", "window", "rate_hz", "windows_seen", "expected", "flag"], rows }
}

interface Tally {
  readonly bus: number
  readonly address: number
  frames: number
  windowFrames: number
  windowsSeen: number
  firstNs: number
  lastNs: number
}

/** can-bus-check: per (bus, address) counts and rates over windows, flagging expected streams that are missing. */
export const canBusCheck = defineMonitor({
  id: ID,
  name: "CAN bus check",
  description:
    "Monitor: counts frames per (bus, address) over windows (default 5 s) of live CAN from a panda, a simulated panda or a recorded log, reports rates, and flags expected streams (a preset such as subaru-global, or a list) that are missing from a window.",
  params: Params,
  outputs: [
    {
      name: "bus-check.csv",
      contentType: "text/csv",
      description: "One row per stream: bus, address, frames, mean rate, windows seen, first/last time, expected."
    },
    { name: "bus-check.json", contentType: "application/json", description: "Every window's frame count, stream count and missing expected streams." }
  ],
  run: ctx =>
    runToolAsync(ID, ctx, async () => {
      const p: Params = ctx.params
      const expected = expectedStreams(p)
      const expectedIds = new Set(expected.map(s => streamId(s.bus, s.address)))
      const tallies = new Map<number, Tally>()
      const windows: Array<{ start_s: number; frames: number; streams: number; missing: string[] }> = []
      let windowStart: number | undefined
      let t0: number | undefined
      let windowFrames = 0
      const closeWindow = () => {
        const seen = [...tallies.values()].filter(t => t.windowFrames > 0)
        const missing = expected.filter(s => !(tallies.get(streamId(s.bus, s.address))?.windowFrames ?? 0)).map(streamLabel)
        const start = (windowStart! - t0!) / 1e9
        windows.push({ start_s: start, frames: windowFrames, streams: seen.length, missing })
        for (const t of seen) t.windowsSeen++
        const span = `${start.toFixed(1)}–${(start + p.window_s).toFixed(1)} s`
        ctx.log(
          missing.length > 0 ? "warn" : "info",
          `window ${span}: ${windowFrames} frames (${(windowFrames / p.window_s).toFixed(1)}/s) on ${seen.length} streams; missing: ${missing.length > 0 ? missing.join(", ") : "none"}`,
          tableData(windowTable(`${ID} window ${span}`, [...tallies.values()], expected, expectedIds, p.window_s))
        )
        for (const t of seen) {
          t.windowFrames = 0
        }
        windowFrames = 0
      }
      const result = await runMonitor(ctx, ID, async batch => {
        for (const f of batch) {
          t0 ??= f.timeNs
          windowStart ??= f.timeNs
          while (f.timeNs >= windowStart + p.window_s * 1e9) {
            closeWindow()
            windowStart += p.window_s * 1e9
          }
          const id = streamId(f.src, f.address)
          if (p.only_expected && !expectedIds.has(id)) continue
          let t = tallies.get(id)
          if (!t) tallies.set(id, (t = { bus: f.src, address: f.address, frames: 0, windowFrames: 0, windowsSeen: 0, firstNs: f.timeNs, lastNs: f.timeNs }))
          t.frames++
          t.windowFrames++
          t.lastNs = f.timeNs
          windowFrames++
        }
      })
      if (windowStart !== undefined && windowFrames > 0) closeWindow()
      const spanS = t0 === undefined ? 0 : Math.max(...[...tallies.values()].map(t => t.lastNs), t0) / 1e9 - t0 / 1e9
      const rows = [...tallies.values()].sort((a, b) => a.bus - b.bus || a.address - b.address)
      for (const s of expected)
        if (!tallies.has(streamId(s.bus, s.address))) rows.push({ ...s, frames: 0, windowFrames: 0, windowsSeen: 0, firstNs: NaN, lastNs: NaN })
      const columns = ["bus", "address", "frames", "rate_hz", "windows_seen", "first_s", "last_s", "expected"]
      const secondsOf = (ns: number) => (Number.isNaN(ns) ? null : ((ns - t0!) / 1e9).toFixed(3))
      await ctx.artifacts.write(
        "bus-check.csv",
        "text/csv",
        csvChunks(
          columns,
          rows.map(t => ({
            bus: t.bus,
            address: `0x${t.address.toString(16).toUpperCase()}`,
            frames: t.frames,
            rate_hz: spanS > 0 ? (t.frames / spanS).toFixed(3) : null,
            windows_seen: t.windowsSeen,
            first_s: secondsOf(t.firstNs),
            last_s: secondsOf(t.lastNs),
            expected: expectedIds.has(streamId(t.bus, t.address)) ? "yes" : "no"
          })),
          { source: result.label, window_s: p.window_s, span_s: spanS }
        )
      )
      const missingAll = expected.filter(s => !tallies.has(streamId(s.bus, s.address))).map(streamLabel)
      await ctx.artifacts.write(
        "bus-check.json",
        "application/json",
        JSON.stringify({ source: result.label, window_s: p.window_s, windows, missing_throughout: missingAll }, null, 2)
      )
      return result.finish({
        streams: tallies.size,
        frames: rows.reduce((s, t) => s + t.frames, 0),
        windows: windows.length,
        span_s: spanS,
        missing_throughout: missingAll,
        windows_with_missing: windows.filter(w => w.missing.length > 0).length
      })
    })
})
