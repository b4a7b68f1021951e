import type { Dbc } from "../../dbc/dbc-types.js"
import { runEndNs, type BooleanRun } from "../shared/boolean-runs.js"
import { BIT_COLUMN_NAMES, INTERVAL_COLUMN_NAMES, addressHex, bitColumns, createDbcBitNamer, instantColumns, intervalColumns } from "../shared/bit-columns.js"
import type { AnalysisTable } from "../shared/analysis-artifacts.js"
import { roundTo } from "../shared/time-format.js"
import type { CruiseAnalysis } from "./analyze-cruise.js"
import { bitRuns } from "./bit-runs.js"
import { buildTimeline } from "./timeline.js"

const runsContain = (runs: ReadonlyArray<BooleanRun>, t: number): boolean =>
  runs.some(r => t >= r.startNs && (r.offNs === null ? t <= r.lastOnNs : t < r.offNs))

const flag = (v: boolean | undefined) => (v === undefined ? null : v ? 1 : 0)

/** counts_by_segment.v1 (+ window columns): frames and unique payloads per address around each window. */
export const countsTable = (a: CruiseAnalysis): AnalysisTable => {
  const rows = a.windows.flatMap((w, wi) =>
    a.windowStats
      .map(st => ({ st, c: st.counts[wi] }))
      .filter(({ c }) => c.pre + c.window + c.post > 0)
      .sort((x, y) => x.st.address - y.st.address || x.st.bus - y.st.bus)
      .map(({ st, c }) => ({
        address_hex: addressHex(st.address),
        bus: st.bus,
        pre_count: c.pre,
        window_count: c.window,
        post_count: c.post,
        delta: c.window - Math.max(c.pre, c.post),
        uniq_pre: c.uniqPre,
        uniq_window: c.uniqWindow,
        uniq_post: c.uniqPost,
        window_index: wi,
        window_start_rel: roundTo((w.startNs - a.originNs) / 1e9, 6),
        window_end_rel: roundTo((w.endNs - a.originNs) / 1e9, 6)
      }))
  )
  return {
    name: "counts_by_segment",
    schemaVersion: "counts_by_segment.v1",
    columns: [
      "address_hex",
      "bus",
      "pre_count",
      "window_count",
      "post_count",
      "delta",
      "uniq_pre",
      "uniq_window",
      "uniq_post",
      "window_index",
      "window_start_rel",
      "window_end_rel"
    ],
    rows
  }
}

/** candidates.v1 (+ evidence columns): every unsuppressed bit that changed inside a window, ranked. */
export const candidatesTable = (a: CruiseAnalysis, dbc: Dbc): AnalysisTable => {
  const name = createDbcBitNamer(dbc)
  const rows = a.candidates.flatMap(list =>
    list.map((c, rank) => ({
      ...bitColumns(c.address, c.bit),
      score: roundTo(c.score, 4),
      rises_set: c.risesIn,
      falls_end: c.fallsIn,
      toggles: c.togglesIn,
      penalty: roundTo(c.penalty, 4),
      bus: c.bus,
      window_index: c.window,
      rank: rank + 1,
      toggles_outside: c.togglesOutside,
      value_at_start: c.valueAtStart,
      value_at_end: c.valueAtEnd,
      pulse: c.pulse,
      specificity: roundTo(c.specificity, 4),
      dbc_signal: name(c.address, c.bit)
    }))
  )
  return {
    name: "candidates",
    schemaVersion: "candidates.v1",
    columns: [
      ...BIT_COLUMN_NAMES,
      "score",
      "rises_set",
      "falls_end",
      "toggles",
      "penalty",
      "bus",
      "window_index",
      "rank",
      "toggles_outside",
      "value_at_start",
      "value_at_end",
      "pulse",
      "specificity",
      "dbc_signal"
    ],
    rows
  }
}

/** edges.v1 (+ engaged, dbc_signal): every edge of the exported bits, with speed / main / brake at that time. */
export const edgesTable = (a: CruiseAnalysis, dbc: Dbc): AnalysisTable => {
  const name = createDbcBitNamer(dbc)
  const speed = a.refs.speed?.series
  const main = a.refs.booleans.mainOn?.tracker
  const brake = a.refs.booleans.brake?.tracker
  const engagedRuns = a.refs.engaged?.runs ?? []
  const rows = a.exported
    .flatMap(b => a.tracker.edges.edgesOf(b.bus, b.address, b.bit))
    .sort((x, y) => x.timeNs - y.timeNs || x.address - y.address || x.bit - y.bit)
    .map(e => {
      const mph = speed?.valueAt(e.timeNs)
      return {
        ...bitColumns(e.address, e.bit),
        ...instantColumns(e.timeNs, a.originNs),
        edge: e.rising ? "rise" : "fall",
        speed_mph: mph === undefined ? null : roundTo(mph, 3),
        main: flag(main?.valueAt(e.timeNs)),
        brake: flag(brake?.valueAt(e.timeNs)),
        bus: e.bus,
        engaged: a.refs.engaged ? (runsContain(engagedRuns, e.timeNs) ? 1 : 0) : null,
        dbc_signal: name(e.address, e.bit)
      }
    })
  return {
    name: "edges",
    schemaVersion: "edges.v1",
    columns: [...BIT_COLUMN_NAMES, "ts_abs", "ts_rel", "ts_mmss", "edge", "speed_mph", "main", "brake", "bus", "engaged", "dbc_signal"],
    rows
  }
}

/** runs.v1 (+ open_at_end, dbc_signal): stretches where an exported bit was 1. */
export const runsTable = (a: CruiseAnalysis, dbc: Dbc): AnalysisTable => {
  const name = createDbcBitNamer(dbc)
  const rows = a.exported.flatMap(b =>
    bitRuns(a.tracker, b.bus, b.address, b.bit).map(r => ({
      ...bitColumns(b.address, b.bit),
      ...intervalColumns(r.startNs, r.endNs, a.originNs),
      bus: b.bus,
      open_at_end: r.openAtEnd,
      dbc_signal: name(b.address, b.bit)
    }))
  )
  rows.sort((x, y) => x.start_abs - y.start_abs || x.bit_global - y.bit_global)
  return {
    name: "runs",
    schemaVersion: "runs.v1",
    columns: [...BIT_COLUMN_NAMES, ...INTERVAL_COLUMN_NAMES, "bus", "open_at_end", "dbc_signal"],
    rows
  }
}

/** timeline.v1: presses, cruise state, brake, target speed, markers and windows in time order. */
export const timelineTable = (a: CruiseAnalysis): AnalysisTable => ({
  name: "timeline",
  schemaVersion: "timeline.v1",
  columns: ["ts_abs", "ts_rel", "ts_mmss", "event_name", "description", "speed_mph"],
  rows: buildTimeline(a).map(e => {
    const mph = a.refs.speed?.series.valueAt(e.timeNs)
    return {
      ...instantColumns(e.timeNs, a.originNs),
      event_name: e.name,
      description: e.description,
      speed_mph: mph === undefined ? null : roundTo(mph, 3)
    }
  })
})

/** engaged_intervals.v1 (+ open_at_end, source): runs of the engaged source (unexpanded). */
export const engagedTable = (a: CruiseAnalysis): AnalysisTable => {
  const e = a.refs.engaged
  const rows = (e?.runs ?? []).map(r => ({
    ...bitColumns(e!.address, e!.bit),
    ...intervalColumns(r.startNs, runEndNs(r), a.originNs),
    bus: e!.bus,
    open_at_end: r.offNs === null,
    source: e!.label
  }))
  return {
    name: "engaged_intervals",
    schemaVersion: "engaged_intervals.v1",
    columns: [...BIT_COLUMN_NAMES, ...INTERVAL_COLUMN_NAMES, "bus", "open_at_end", "source"],
    rows
  }
}
