import { escapeHtml } from "./html.js"
import { formatMmss } from "./time-format.js"

/** A shaded time span on the timeline (marker window, engaged interval…). */
export interface TimelineSpan {
  readonly start: number
  readonly end: number
  readonly label: string
  readonly color: string
  /** Vertical lane 0..n−1 for a thin bar under the plot; omitted = full-height shading. */
  readonly lane?: number
}

/** A vertical marker (button press…). */
export interface TimelineMarker {
  readonly t: number
  readonly label: string
  readonly color: string
}

/** Everything the speed timeline shows. Times are seconds from the analysis time origin. */
export interface SpeedTimeline {
  readonly t: ArrayLike<number>
  readonly value: ArrayLike<number>
  readonly unit: string
  readonly band?: { readonly min: number; readonly max: number; readonly label: string }
  readonly spans: ReadonlyArray<TimelineSpan>
  readonly markers: ReadonlyArray<TimelineMarker>
  readonly lanes?: ReadonlyArray<string>
  readonly width?: number
  readonly height?: number
}

const niceStep = (range: number, target: number): number => {
  const raw = range / Math.max(1, target)
  const mag = 10 ** Math.floor(Math.log10(raw || 1))
  const norm = raw / mag
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag
}

const fmt = (v: number): string => (Math.round(v * 10) / 10).toString()

/** Min/max per pixel column so a long series keeps its shape in at most `2 × columns` points. */
const decimate = (t: ArrayLike<number>, v: ArrayLike<number>, t0: number, t1: number, columns: number) => {
  const pts: Array<[number, number]> = []
  if (t.length <= columns * 2) {
    for (let i = 0; i < t.length; i++) pts.push([t[i], v[i]])
    return pts
  }
  const span = t1 - t0 || 1
  let col = -1
  let lo: [number, number] | null = null
  let hi: [number, number] | null = null
  const flush = () => {
    if (lo && hi) pts.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]))
  }
  for (let i = 0; i < t.length; i++) {
    const c = Math.floor(((t[i] - t0) / span) * columns)
    if (c !== col) {
      flush()
      col = c
      lo = hi = [t[i], v[i]]
    } else {
      if (v[i] < lo![1]) lo = [t[i], v[i]]
      if (v[i] > hi![1]) hi = [t[i], v[i]]
    }
  }
  flush()
  return pts
}

/** Renders the timeline as an inline `<svg>` (no scripts, every label escaped). */
export const renderSpeedTimelineSvg = (tl: SpeedTimeline): string => {
  const width = tl.width ?? 1000
  const lanes = tl.lanes ?? []
  const laneH = 14
  const left = 90
  const right = width - 10
  const top = 10
  const bottom = (tl.height ?? 320) - 30
  const height = bottom + 22 + lanes.length * laneH + 8
  let t0 = tl.t.length > 0 ? tl.t[0] : 0
  let t1 = tl.t.length > 0 ? tl.t[tl.t.length - 1] : 1
  for (const s of tl.spans) (t0 = Math.min(t0, s.start)), (t1 = Math.max(t1, s.end))
  for (const m of tl.markers) (t0 = Math.min(t0, m.t)), (t1 = Math.max(t1, m.t))
  if (t1 <= t0) t1 = t0 + 1
  let vMax = tl.band ? tl.band.max : 1
  for (let i = 0; i < tl.value.length; i++) vMax = Math.max(vMax, tl.value[i])
  vMax = Math.ceil((vMax * 1.05) / 5) * 5 || 5
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (right - left)
  const y = (v: number) => bottom - (v / vMax) * (bottom - top)
  const parts: string[] = []
  parts.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#fff" stroke="#999"/>`)
  for (const s of tl.spans.filter(s => s.lane === undefined)) {
    parts.push(
      `<rect x="${fmt(x(s.start))}" y="${top}" width="${fmt(Math.max(1, x(s.end) - x(s.start)))}" height="${bottom - top}" fill="${escapeHtml(s.color)}" fill-opacity="0.18"><title>${escapeHtml(`${s.label}: ${formatMmss(s.start)} – ${formatMmss(s.end)}`)}</title></rect>`
    )
  }
  if (tl.band) {
    const b = tl.band
    parts.push(
      `<rect x="${left}" y="${fmt(y(b.max))}" width="${right - left}" height="${fmt(Math.max(1, y(b.min) - y(b.max)))}" fill="#2a9d8f" fill-opacity="0.3"><title>${escapeHtml(b.label)}</title></rect>`
    )
  }
  const vStep = niceStep(vMax, 6)
  for (let v = 0; v <= vMax + 1e-9; v += vStep) {
    parts.push(`<line x1="${left}" x2="${right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#eee"/>`)
    parts.push(`<text x="${left - 4}" y="${fmt(y(v) + 4)}" font-size="10" text-anchor="end">${fmt(v)}</text>`)
  }
  const tStep = niceStep(t1 - t0, 10)
  for (let t = Math.ceil(t0 / tStep) * tStep; t <= t1 + 1e-9; t += tStep) {
    parts.push(`<text x="${fmt(x(t))}" y="${bottom + 14}" font-size="10" text-anchor="middle">${escapeHtml(formatMmss(t).slice(0, 5))}</text>`)
  }
  const pts = decimate(tl.t, tl.value, t0, t1, right - left)
  if (pts.length > 0) {
    const d = pts.map(([t, v], i) => `${i === 0 ? "M" : "L"}${fmt(x(t))},${fmt(y(v))}`).join("")
    parts.push(`<path d="${d}" fill="none" stroke="#1d3557" stroke-width="1.2"><title>${escapeHtml(`speed (${tl.unit})`)}</title></path>`)
  }
  for (const m of tl.markers) {
    parts.push(
      `<line x1="${fmt(x(m.t))}" x2="${fmt(x(m.t))}" y1="${top}" y2="${bottom}" stroke="${escapeHtml(m.color)}" stroke-width="1.5"><title>${escapeHtml(`${m.label} at ${formatMmss(m.t)}`)}</title></line>`,
      `<text x="${fmt(x(m.t) + 2)}" y="${top + 10}" font-size="10" fill="${escapeHtml(m.color)}">${escapeHtml(m.label)}</text>`
    )
  }
  lanes.forEach((name, lane) => {
    const ly = bottom + 22 + lane * laneH
    parts.push(`<text x="${left - 4}" y="${ly + 9}" font-size="9" text-anchor="end">${escapeHtml(name)}</text>`)
    for (const s of tl.spans.filter(s => s.lane === lane)) {
      parts.push(
        `<rect x="${fmt(x(s.start))}" y="${ly}" width="${fmt(Math.max(1, x(s.end) - x(s.start)))}" height="${laneH - 4}" fill="${escapeHtml(s.color)}"><title>${escapeHtml(`${s.label}: ${formatMmss(s.start)} – ${formatMmss(s.end)}`)}</title></rect>`
      )
    }
  })
  parts.push(
    `<text x="12" y="${fmt((top + bottom) / 2)}" font-size="10" transform="rotate(-90 12 ${fmt((top + bottom) / 2)})" text-anchor="middle">${escapeHtml(tl.unit)}</text>`
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="speed timeline">${parts.join("")}</svg>`
}
