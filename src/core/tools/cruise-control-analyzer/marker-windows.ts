/** A blinker-marked analysis window. Times in ns. */
export interface MarkerWindow {
  /** Time the left blinker came on (the marker start). */
  readonly markerStartNs: number
  /** Time the right blinker came on (the marker end), or null for a partial window. */
  readonly markerEndNs: number | null
  /** Analysis window start: marker start − pre (not before the log start). */
  readonly startNs: number
  /** Analysis window end: marker end + post; partial: marker start + timeout (not after the log end). */
  readonly endNs: number
  /** True when no right blinker came within the timeout. */
  readonly partial: boolean
}

/** Marker padding and timeout, ns. */
export interface MarkerConfig {
  readonly preNs: number
  readonly postNs: number
  readonly timeoutNs: number
}

/**
 * Pairs blinker rising edges into marker windows: a left-blinker rise opens a marker (later left
 * rises while one is open are ignored, so a flashing lamp keeps the first), the first right-blinker
 * rise within the timeout closes it. A marker with no right rise within the timeout (or before the
 * log ends) becomes a partial window that spans the timeout. Right rises with no open marker are ignored.
 */
export const pairMarkerWindows = (
  leftRisesNs: ReadonlyArray<number>,
  rightRisesNs: ReadonlyArray<number>,
  config: MarkerConfig,
  logStartNs: number,
  logEndNs: number
): MarkerWindow[] => {
  const events = [...leftRisesNs.map(t => ({ t, left: true })), ...rightRisesNs.map(t => ({ t, left: false }))].sort(
    (a, b) => a.t - b.t || (a.left === b.left ? 0 : a.left ? -1 : 1)
  )
  const out: MarkerWindow[] = []
  let open: number | null = null
  const closePartial = (start: number) =>
    out.push({
      markerStartNs: start,
      markerEndNs: null,
      startNs: Math.max(logStartNs, start - config.preNs),
      endNs: Math.min(logEndNs, start + config.timeoutNs),
      partial: true
    })
  for (const e of events) {
    if (open !== null && e.t - open > config.timeoutNs) {
      closePartial(open)
      open = null
    }
    if (e.left) {
      if (open === null) open = e.t
    } else if (open !== null) {
      out.push({
        markerStartNs: open,
        markerEndNs: e.t,
        startNs: Math.max(logStartNs, open - config.preNs),
        endNs: e.t + config.postNs,
        partial: false
      })
      open = null
    }
  }
  if (open !== null) closePartial(open)
  return out
}
