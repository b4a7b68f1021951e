import { Schema } from "effect"
import { ValidationError } from "../../errors.js"
import { defineMonitor } from "../../monitors/define-monitor.js"
import { ExpectedStreamFields, expectedStreams, streamId, streamLabel, type StreamKey } from "../../monitors/expected-streams.js"
import { MonitorSourceFields } from "../../monitors/monitor-params.js"
import { type MonitorTable, tableData } from "../../monitors/monitor-table.js"
import { runMonitor } from "../../monitors/run-monitor.js"
import { csvChunks } from "../shared/csv-table.js"
import { withDefault } from "../shared/param-schemas.js"
import { runToolAsync } from "../shared/run-async.js"

const ID = "hybrid-rx-trace"

const Params = Schema.Struct({
  ...MonitorSourceFields,
  ...ExpectedStreamFields,
  stale_ms: withDefault(
    Schema.Number.pipe(Schema.finite(), Schema.positive()),
    500,
    "A stream is stale when no frame came for longer than this (ms of CAN time)."
  ),
  report_every_s: withDefault(Schema.Number.pipe(Schema.finite(), Schema.positive()), 5, "Log every expected stream's last-seen age this often (s).")
}).annotations({ identifier: "HybridRxTraceParams" })
type Params = typeof Params.Type

interface Trace {
  readonly key: StreamKey
  frames: number
  lastNs: number | null
  staleSinceNs: number | null
  maxGapNs: number
}

/** The live table at CAN time `now`: every expected stream's frames, last-seen age, state and longest gap. */
const agesTable = (title: string, traces: Iterable<Trace>, now: number, staleEpisodes: (label: string) => number): MonitorTable => ({
  title,
  columns: ["stream", "frames", "age_ms", "state", "max_gap_ms", "stale_episodes"],
  rows: [...traces].map(t => [
    streamLabel(t.key),
    t.frames,
    t.lastNs === null ? null : Math.round((now - t.lastNs) / 1e6),
    t.lastNs === null ? "never seen" : t.staleSinceNs !== null ? "STALE" : "ok",
    Math.round(t.maxGapNs / 1e6),
    staleEpisodes(streamLabel(t.key))
  ])
})

/** hybrid-rx-trace: last-seen age of each expected stream; `stale` / `fresh` events when one stops and comes back. */
export const hybridRxTrace = defineMonitor({
  id: ID,
  name: "Hybrid RX trace",
  description:
    "Monitor: tracks the last-seen age of each expected (bus, address) stream (a preset such as subaru-global, or a list) and logs a `stale` warning when a stream sends nothing for longer than stale_ms, and `fresh` when it returns; reports every stream's age periodically.",
  params: Params,
  outputs: [
    { name: "rx-trace.csv", contentType: "text/csv", description: "One row per stale episode: stream, start and end (s after the first frame), gap." },
    { name: "rx-trace.json", contentType: "application/json", description: "Per stream: frames, longest gap, stale episodes, stale at the end." }
  ],
  run: ctx =>
    runToolAsync(ID, ctx, async () => {
      const p: Params = ctx.params
      const expected = expectedStreams(p)
      if (expected.length === 0)
        throw new ValidationError({
          code: "invalid_param",
          message: `${ID} needs expected streams.`,
          suggestedAction: 'Pass preset=subaru-global or expected=["0:0x146", …].'
        })
      const traces = new Map<number, Trace>(
        expected.map(key => [streamId(key.bus, key.address), { key, frames: 0, lastNs: null, staleSinceNs: null, maxGapNs: 0 }])
      )
      const episodes: Array<{ stream: string; start_s: number; end_s: number | null; gap_s: number | null }> = []
      const staleNs = p.stale_ms * 1e6
      let t0: number | undefined
      let nextReport = 0
      const episodesOf = (label: string) => episodes.filter(e => e.stream === label).length
      let lastNs: number | undefined
      const seconds = (ns: number) => Number(((ns - t0!) / 1e9).toFixed(3))
      const check = (now: number) => {
        for (const t of traces.values()) {
          const since = t.lastNs ?? t0!
          if (t.staleSinceNs === null && now - since > staleNs) {
            t.staleSinceNs = since
            episodes.push({ stream: streamLabel(t.key), start_s: seconds(since), end_s: null, gap_s: null })
            ctx.log("warn", `stale ${streamLabel(t.key)}: no frame for ${Math.round((now - since) / 1e6)} ms (at ${seconds(now)} s)`)
          }
        }
        if (now >= nextReport) {
          ctx.log(
            "info",
            `ages at ${seconds(now)} s: ${[...traces.values()].map(t => `${streamLabel(t.key)} ${t.lastNs === null ? "never" : `${Math.round((now - t.lastNs) / 1e6)} ms`}`).join(", ")}`,
            tableData(agesTable(`${ID} at ${seconds(now)} s`, traces.values(), now, episodesOf))
          )
          nextReport = now + p.report_every_s * 1e9
        }
      }
      const result = await runMonitor(ctx, ID, batch => {
        t0 ??= batch[0].timeNs
        let checkedAt = -1
        for (const f of batch) {
          if (f.timeNs !== checkedAt) check((checkedAt = f.timeNs))
          const t = traces.get(streamId(f.src, f.address))
          if (!t) continue
          const gap = f.timeNs - (t.lastNs ?? t0)
          if (gap > t.maxGapNs) t.maxGapNs = gap
          if (t.staleSinceNs !== null) {
            const ep = episodes.findLast(e => e.stream === streamLabel(t.key) && e.end_s === null)!
            ep.end_s = seconds(f.timeNs)
            ep.gap_s = Number((gap / 1e9).toFixed(3))
            ctx.log("info", `fresh ${streamLabel(t.key)} again at ${ep.end_s} s after ${ep.gap_s} s`)
            t.staleSinceNs = null
          }
          t.frames++
          t.lastNs = f.timeNs
        }
        check((lastNs = batch[batch.length - 1].timeNs))
      })
      if (lastNs !== undefined)
        ctx.log(
          "info",
          `ages at the end (${seconds(lastNs)} s): ${episodes.length} stale episodes`,
          tableData(agesTable(`${ID} at the end, ${seconds(lastNs)} s`, traces.values(), lastNs, episodesOf))
        )
      await ctx.artifacts.write("rx-trace.csv", "text/csv", csvChunks(["stream", "start_s", "end_s", "gap_s"], episodes))
      const streams = [...traces.values()].map(t => ({
        stream: streamLabel(t.key),
        frames: t.frames,
        max_gap_ms: Math.round(t.maxGapNs / 1e6),
        stale_episodes: episodes.filter(e => e.stream === streamLabel(t.key)).length,
        stale_at_end: t.staleSinceNs !== null
      }))
      await ctx.artifacts.write("rx-trace.json", "application/json", JSON.stringify({ source: result.label, stale_ms: p.stale_ms, streams }, null, 2))
      return result.finish({ streams, stale_episodes: episodes.length })
    })
})
