import type { CanFrame } from "../../can/can-frame.js"
import type { CsvFrame } from "../../can/csv-reader.js"
import { ValidationError } from "../../errors.js"

/** pre / window / post, as the old tools labelled rows. */
export const SEGMENT_NAMES = ["pre", "window", "post"] as const
/** 0 = pre, 1 = window, 2 = post. */
export type SegmentIndex = 0 | 1 | 2

/**
 * How frames are split into pre / window / post: by a time window (display seconds, inclusive), or by
 * the old-tools CSV's own `segment` column.
 */
export type SegmentRule = { readonly kind: "time"; readonly startNs: number; readonly endNs: number } | { readonly kind: "labels" }

/** Picks the rule from the params and what the input offers; fails when there is no window at all. */
export const segmentRule = (windowStart: number | undefined, windowEnd: number | undefined, inputHasSegments: boolean): SegmentRule => {
  if (windowStart !== undefined || windowEnd !== undefined) {
    if (windowStart === undefined || windowEnd === undefined) {
      throw new ValidationError({
        code: "invalid_params",
        message: "window_start and window_end must be given together.",
        suggestedAction: "Give both, e.g. window_start 37 and window_end 43, or neither to use the CSV's segment column."
      })
    }
    if (windowEnd < windowStart) {
      throw new ValidationError({
        code: "invalid_params",
        message: `window_end (${windowEnd}) is before window_start (${windowStart}).`,
        suggestedAction: "Give window_start ≤ window_end."
      })
    }
    return { kind: "time", startNs: Math.round(windowStart * 1e9), endNs: Math.round(windowEnd * 1e9) }
  }
  if (inputHasSegments) return { kind: "labels" }
  throw new ValidationError({
    code: "missing_window",
    message: "No window: the input has no segment column and window_start / window_end are not set.",
    suggestedAction: "Give window_start and window_end (seconds), or a CSV written by rlog-to-csv with a window."
  })
}

/** Segment of a frame; `displayNs` is its time in the window's time base. */
export const segmentOf = (rule: SegmentRule, frame: CanFrame | CsvFrame, displayNs: number): SegmentIndex => {
  if (rule.kind === "labels") {
    const s = (frame as CsvFrame).segment
    return s === "window" ? 1 : s === "post" ? 2 : 0
  }
  return displayNs < rule.startNs ? 0 : displayNs <= rule.endNs ? 1 : 2
}
