import type { Dbc } from "../../dbc/dbc-types.js"
import { addressHex, createDbcBitNamer } from "../shared/bit-columns.js"
import { runEndNs } from "../shared/boolean-runs.js"
import { artifactLink, escapeHtml, htmlFacts, htmlPage, htmlTable } from "../shared/html.js"
import { renderSpeedTimelineSvg, type TimelineMarker, type TimelineSpan } from "../shared/svg-timeline.js"
import { formatMmss, roundTo } from "../shared/time-format.js"
import type { CruiseAnalysis } from "./analyze-cruise.js"
import type { CruiseControlParams } from "./params.js"
import { msbBitPosition } from "../../can/bits.js"

/** What the report shows besides the analysis. */
export interface ReportContext {
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly size: number; readonly sha256: string }>
  readonly toolVersion: string
  readonly runId: string
  readonly dbcName: string
  readonly params: CruiseControlParams
  /** Names of the data artifacts to link. */
  readonly dataFiles: ReadonlyArray<string>
}

const CANDIDATE_ROWS_PER_WINDOW = 20

const PRESS_STYLE = [
  ["set", "Set", "#2a9d8f"],
  ["resume", "Resume", "#457b9d"],
  ["main", "Main", "#6c757d"],
  ["cancel", "Cancel", "#e63946"]
] as const

/** The self-contained analysis_report.html: facts, inline SVG speed timeline, presses, candidates, links. */
export const renderCruiseReport = (a: CruiseAnalysis, dbc: Dbc, rc: ReportContext): string => {
  const sec = (t: number) => (t - a.originNs) / 1e9
  const speed = a.refs.speed?.series
  const t = speed ? Array.from(speed.timeNs(), sec) : []
  const markers: TimelineMarker[] = PRESS_STYLE.flatMap(([role, label, color]) =>
    (a.refs.booleans[role]?.runs ?? []).map(r => ({ t: sec(r.startNs), label, color }))
  )
  const lanes = ["engaged", "main on", "target speed", "brake"]
  const spans: TimelineSpan[] = [
    ...a.refs.windows.map((w, i) => ({ start: sec(w.startNs), end: sec(w.endNs), label: `window ${i}${w.partial ? " (partial)" : ""}`, color: "#f4a261" })),
    ...a.engagedIntervals.map(i => ({ start: sec(i.startNs), end: sec(i.endNs), label: "engaged", color: "#2a9d8f", lane: 0 })),
    ...(a.refs.booleans.mainOn?.runs ?? []).map(r => ({ start: sec(r.startNs), end: sec(runEndNs(r)), label: "main on", color: "#6c757d", lane: 1 })),
    ...a.refs.targetIntervals.map(i => ({ start: sec(i.startNs), end: sec(i.endNs), label: "target speed", color: "#e9c46a", lane: 2 })),
    ...(a.refs.booleans.brake?.runs ?? []).map(r => ({ start: sec(r.startNs), end: sec(runEndNs(r)), label: "brake", color: "#e63946", lane: 3 }))
  ]
  const svg = renderSpeedTimelineSvg({
    t,
    value: speed ? speed.values() : [],
    unit: "mph",
    band: { min: rc.params.speed_min, max: rc.params.speed_max, label: `target ${rc.params.speed_min}–${rc.params.speed_max} mph` },
    spans,
    markers,
    lanes
  })
  const pressRows = PRESS_STYLE.flatMap(([role, label]) => {
    const b = a.refs.booleans[role]
    return (b?.runs ?? []).map(r => {
      const mph = speed?.valueAt(r.startNs)
      return [
        label,
        b!.name,
        b!.bus,
        roundTo(sec(r.startNs), 3),
        formatMmss(sec(r.startNs)),
        roundTo((runEndNs(r) - r.startNs) / 1e9, 3),
        mph === undefined ? "" : roundTo(mph, 2)
      ]
    })
  }).sort((x, y) => Number(x[3]) - Number(y[3]))
  const name = createDbcBitNamer(dbc)
  const candidateSections = a.candidates.map((list, wi) => {
    const w = a.refs.windows[wi]
    const rows = list
      .slice(0, CANDIDATE_ROWS_PER_WINDOW)
      .map((c, i) => [
        i + 1,
        addressHex(c.address),
        c.bus,
        c.bit,
        msbBitPosition(c.bit),
        roundTo(c.score, 3),
        c.risesIn,
        c.fallsIn,
        c.togglesOutside,
        c.pulse ? "yes" : "no",
        name(c.address, c.bit)
      ])
    return `<h3>Window ${wi}: ${escapeHtml(formatMmss(sec(w.startNs)))} – ${escapeHtml(formatMmss(sec(w.endNs)))}${w.partial ? " (partial)" : ""}</h3>
${htmlTable(["rank", "address", "bus", "bit (LSB)", "MSB label", "score", "rises in", "falls in", "toggles outside", "pulse", "DBC signal"], rows)}
<p class="note">${escapeHtml(`${list.length} candidate bits in this window; all are in candidates.csv.`)}</p>`
  })
  const engagedRows = a.engagedIntervals.map(i => [roundTo(sec(i.startNs), 3), roundTo(sec(i.endNs), 3), roundTo((i.endNs - i.startNs) / 1e9, 3)])
  const facts: Array<readonly [string, unknown]> = [
    ...rc.inputs.map(i => [`input`, `${i.name} (${i.size} bytes, sha256 ${i.sha256})`] as const),
    ["tool version", rc.toolVersion],
    ["run", rc.runId],
    ["DBC", rc.dbcName],
    ["time origin", `logMonoTime ${roundTo(a.originNs / 1e9, 6)} s (first event of the log)`],
    ["log length", `${formatMmss(sec(a.lastFrameNs))} (${a.frames} CAN frames)`],
    ["bus policy", rc.params.bus === "auto" ? "auto: per address the received bus with the most frames" : `bus ${rc.params.bus}`],
    ["speed source", a.refs.speed ? `Wheel_Speeds mean of FL/FR/RL/RR on bus ${a.refs.speed.bus}` : "not found"],
    ["windows", `${a.refs.windows.length} from ${a.refs.windowSource}`],
    ["engaged source", a.refs.engaged ? `${a.refs.engaged.label} on bus ${a.refs.engaged.bus} (${rc.params.engaged_mode})` : "not found"]
  ]
  const body = `<h1>Cruise control analysis</h1>
${htmlFacts(facts)}
<h2>Speed timeline</h2>
${svg}
<p class="note">Band: target speed. Orange: analysis windows. Vertical lines: button presses. Bars: engaged, main on, target speed, brake.</p>
<h2>Button presses</h2>
${pressRows.length > 0 ? htmlTable(["button", "signal", "bus", "t (s)", "mm:ss", "held (s)", "speed (mph)"], pressRows) : "<p>No button presses decoded.</p>"}
<h2>Candidate bits</h2>
<p class="note">Score = lineup − penalty: lineup 2 for a pulse inside the window (rise and fall, back to its starting value), 1 for a change that stays; penalty = lineup × share of the bit's edge rate that lies outside the windows. CHECKSUM / COUNTER bits and the marker's own bits are never ranked.</p>
${candidateSections.length > 0 ? candidateSections.join("\n") : "<p>No analysis window: no blinker marker and no Set/Resume press was found.</p>"}
<h2>Engaged intervals</h2>
${engagedRows.length > 0 ? htmlTable(["start (s)", "end (s)", "duration (s)"], engagedRows) : "<p>No engaged interval.</p>"}
<h2>Data files</h2>
<ul class="links">${rc.dataFiles.map(f => `<li>${artifactLink(f)}</li>`).join("")}</ul>`
  return htmlPage(`Cruise control analysis — ${rc.inputs.map(i => i.name).join(", ")}`, body)
}
