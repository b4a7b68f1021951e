import { Schema } from "effect"
import { ExpectedStreamFields, expectedStreams, streamId, streamLabel, type StreamKey } from "../../monitors/expected-streams.js"
import { MonitorSourceFields } from "../../monitors/monitor-params.js"
import { createBusCheckCounter, describeWindow, type StreamTally } from "../../monitors/bus-check-counter.js"
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
  tallies: ReadonlyArray<StreamTally>,
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
      const windows: Array<{ start_s: number; frames: number; streams: number; missing: ReadonlyArray<string> }> = []
      const counter = createBusCheckCounter({
        windowS: p.window_s,
        expected,
        onlyExpected: p.only_expected,
        onWindow: w => {
          windows.push({ start_s: w.startS, frames: w.frames, streams: w.streams, missing: w.missing })
          const span = `${w.startS.toFixed(1)}–${(w.startS + p.window_s).toFixed(1)} s`
          ctx.log(
            w.missing.length > 0 ? "warn" : "info",
            describeWindow(w, p.window_s),
            tableData(windowTable(`${ID} window ${span}`, w.tallies, expected, expectedIds, p.window_s))
          )
        }
      })
      const result = await runMonitor(ctx, ID, async batch => counter.add(batch))
      counter.finish()
      const t0 = counter.firstNs()
      const tallies = new Map(counter.streams().map(t => [streamId(t.bus, t.address), t]))
      const spanS = t0 === undefined ? 0 : Math.max(...[...tallies.values()].map(t => t.lastNs), t0) / 1e9 - t0 / 1e9
      const rows: StreamTally[] = [...counter.streams()]
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
