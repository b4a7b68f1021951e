import { formatMmss } from "../shared/time-format.js"
import { runEndNs } from "../shared/boolean-runs.js"
import type { CruiseAnalysis } from "./analyze-cruise.js"
import type { BooleanRole } from "./reference-signals.js"

/** One timeline entry. */
export interface TimelineEvent {
  readonly timeNs: number
  readonly name: string
  readonly description: string
}

const PRESS_ROLES: ReadonlyArray<readonly [BooleanRole, string]> = [
  ["main", "main_pressed"],
  ["set", "set_pressed"],
  ["resume", "resume_pressed"],
  ["cancel", "cancel_requested"]
]

const STATE_ROLES: ReadonlyArray<readonly [BooleanRole, string, string]> = [
  ["mainOn", "cruise_main_on", "cruise_main_off"],
  ["brake", "brake_on", "brake_off"]
]

/** Every event of the analysis in time order (ties keep the order they were added in). */
export const buildTimeline = (a: CruiseAnalysis): TimelineEvent[] => {
  const out: TimelineEvent[] = []
  const rel = (t: number) => formatMmss((t - a.originNs) / 1e9)
  for (const [role, name] of PRESS_ROLES) {
    const b = a.refs.booleans[role]
    for (const r of b?.runs ?? []) {
      const held = (runEndNs(r) - r.startNs) / 1e9
      out.push({ timeNs: r.startNs, name, description: `${b!.name} = 1 on bus ${b!.bus} for ${held.toFixed(2)} s (${r.samples} frames)` })
    }
  }
  for (const [role, on, off] of STATE_ROLES) {
    const b = a.refs.booleans[role]
    for (const r of b?.runs ?? []) {
      out.push({ timeNs: r.startNs, name: on, description: `${b!.name} became 1 on bus ${b!.bus}` })
      if (r.offNs !== null) out.push({ timeNs: r.offNs, name: off, description: `${b!.name} became 0 on bus ${b!.bus}` })
    }
  }
  const e = a.refs.engaged
  for (const r of e?.runs ?? []) {
    out.push({ timeNs: r.startNs, name: "engaged_on", description: `${e!.label} became 1 on bus ${e!.bus}` })
    if (r.offNs !== null) out.push({ timeNs: r.offNs, name: "engaged_off", description: `${e!.label} became 0 on bus ${e!.bus}` })
  }
  for (const i of a.refs.targetIntervals) {
    out.push({ timeNs: i.startNs, name: "target_speed_enter", description: `speed entered the target band (until ${rel(i.endNs)})` })
    out.push({ timeNs: i.endNs, name: "target_speed_exit", description: "speed left the target band (or the log ended)" })
  }
  a.refs.windows.forEach((w, i) => {
    out.push({ timeNs: w.markerStartNs, name: "marker_start", description: `marker ${i} started (${a.refs.windowSource})` })
    if (w.markerEndNs !== null) out.push({ timeNs: w.markerEndNs, name: "marker_end", description: `marker ${i} ended` })
    out.push({
      timeNs: w.startNs,
      name: "window_start",
      description: `analysis window ${i} starts${w.partial ? " (partial: no end marker within the timeout)" : ""}`
    })
    out.push({ timeNs: w.endNs, name: "window_end", description: `analysis window ${i} ends` })
  })
  return out
    .map((ev, i) => ({ ev, i }))
    .sort((x, y) => x.ev.timeNs - y.ev.timeNs || x.i - y.i)
    .map(x => x.ev)
}
