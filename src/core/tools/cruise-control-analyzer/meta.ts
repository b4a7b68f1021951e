import { formatCanAddress } from "../../can/csv-format.js"
import { busPolicyName, idBusMapJson } from "../shared/bus-policy.js"
import { runEndNs } from "../shared/boolean-runs.js"
import type { ToolContext } from "../define-tool.js"
import { formatMmss, roundTo } from "../shared/time-format.js"
import type { CruiseAnalysis } from "./analyze-cruise.js"
import { EXPORTED_BITS_PER_WINDOW } from "./analyze-cruise.js"
import type { CruiseControlParams } from "./params.js"

const rel = (a: CruiseAnalysis, t: number) => roundTo((t - a.originNs) / 1e9, 6)

const source = (a: CruiseAnalysis, role: "mainOn" | "brake") => {
  const b = a.refs.booleans[role]
  return b ? `${formatCanAddress(b.address)}:b${b.bit} (${b.name}) bus ${b.bus}` : null
}

/** The `#` header / sidecar metadata shared by every cruise table (old tools' keys, real values). */
export const cruiseMeta = (a: CruiseAnalysis, p: CruiseControlParams, dbcName: string): Record<string, unknown> => {
  const first = a.refs.windows[0]
  return {
    time_origin: roundTo(a.originNs / 1e9, 6),
    time_origin_definition: "logMonoTime of the log's first event, seconds; *_rel columns count from it",
    window_start_abs_s: first ? roundTo(first.startNs / 1e9, 6) : null,
    window_end_abs_s: first ? roundTo(first.endNs / 1e9, 6) : null,
    window_start_mmss: first ? formatMmss((first.startNs - a.originNs) / 1e9) : null,
    window_end_mmss: first ? formatMmss((first.endNs - a.originNs) / 1e9) : null,
    windows: a.refs.windows.map((w, i) => ({
      index: i,
      start_rel: rel(a, w.startNs),
      end_rel: rel(a, w.endNs),
      marker_start_rel: rel(a, w.markerStartNs),
      marker_end_rel: w.markerEndNs === null ? null : rel(a, w.markerEndNs),
      partial: w.partial
    })),
    window_source: a.refs.windowSource,
    segments_definition:
      "counts_by_segment: pre = the window's own length just before it, window = [start, end] inclusive, post = the window's length just after it",
    main_source: source(a, "mainOn"),
    brake_source: source(a, "brake"),
    speed_source: a.refs.speed ? `0x13A:computed (Wheel_Speeds mean FL/FR/RL/RR) bus ${a.refs.speed.bus}` : null,
    id_bus_map: idBusMapJson(a.busMap),
    bus_policy: busPolicyName(p.bus),
    engaged_mode: p.engaged_mode,
    engaged_bit: a.refs.engaged ? `${formatCanAddress(a.refs.engaged.address)}:b${a.refs.engaged.bit}` : null,
    engaged_source: a.refs.engaged?.label ?? null,
    engaged_bus: a.refs.engaged?.bus ?? null,
    engaged_margin_s: p.engaged_margin,
    engaged_intervals_count: a.engagedIntervals.length,
    set_speed_min_mph: p.speed_min,
    set_speed_max_mph: p.speed_max,
    dbc: dbcName,
    scoring: {
      score: "lineup - penalty",
      lineup: "2 if the bit pulses inside the window (rises and falls, ends at its start value), else 1",
      penalty: "lineup * rate_out / (rate_in + rate_out), edge rates per second inside vs outside the windows",
      exported_bits_per_window: EXPORTED_BITS_PER_WINDOW
    },
    suppressed_bits: a.suppression.counts
  }
}

/** config_snapshot.json: params as decoded, inputs with sha256, bus map and sources. */
export const configSnapshot = (a: CruiseAnalysis, ctx: ToolContext<CruiseControlParams>, dbcName: string) => ({
  tool: "cruise-control-analyzer",
  tool_version: ctx.toolVersion,
  run_id: ctx.runId,
  params: ctx.params,
  inputs: ctx.inputs.map(i => ({ name: i.name, size: i.size, sha256: i.sha256 })),
  dbc: dbcName,
  bus_policy: busPolicyName(ctx.params.bus),
  id_bus_map: idBusMapJson(a.busMap),
  frames_by_bus: Object.fromEntries([...a.frameCounts].map(([src, m]) => [src, [...m.values()].reduce((s, n) => s + n, 0)])),
  reference_signals: Object.fromEntries(
    Object.entries(a.refs.booleans).map(([role, b]) => [role, { signal: b!.name, address: formatCanAddress(b!.address), bit: b!.bit, bus: b!.bus }])
  ),
  marker_config: { marker_type: ctx.params.marker_type, pre_time: ctx.params.marker_pre, post_time: ctx.params.marker_post, timeout: ctx.params.marker_timeout }
})

/** The run summary: the headline numbers. */
export const cruiseSummary = (a: CruiseAnalysis): Record<string, unknown> => {
  const presses = (role: "set" | "resume" | "main") => (a.refs.booleans[role]?.runs ?? []).map(r => rel(a, r.startNs))
  return {
    frames: a.frames,
    duration_s: rel(a, a.lastFrameNs),
    set_presses_s: presses("set"),
    resume_presses_s: presses("resume"),
    main_presses_s: presses("main"),
    engaged_intervals_s: a.engagedIntervals.map(i => [rel(a, i.startNs), rel(a, i.endNs)]),
    target_speed_intervals_s: a.refs.targetIntervals.map(i => [rel(a, i.startNs), rel(a, i.endNs)]),
    windows_s: a.refs.windows.map(w => [rel(a, w.startNs), rel(a, w.endNs)]),
    window_source: a.refs.windowSource,
    segments_definition:
      "counts_by_segment: pre = the window's own length just before it, window = [start, end] inclusive, post = the window's length just after it",
    top_candidates: a.candidates.map(list =>
      list.slice(0, 5).map(c => ({ address: formatCanAddress(c.address), bus: c.bus, bit: c.bit, score: roundTo(c.score, 4) }))
    ),
    main_on_s: (a.refs.booleans.mainOn?.runs ?? []).map(r => [rel(a, r.startNs), rel(a, runEndNs(r))])
  }
}
