import type { TimeInterval } from "./sample-series.js"

/** Sorts and merges overlapping or touching intervals. */
export const unionIntervals = (intervals: ReadonlyArray<TimeInterval>): TimeInterval[] => {
  const sorted = [...intervals].filter(i => i.endNs >= i.startNs).sort((a, b) => a.startNs - b.startNs)
  const out: TimeInterval[] = []
  for (const i of sorted) {
    const last = out[out.length - 1]
    if (last && i.startNs <= last.endNs) out[out.length - 1] = { startNs: last.startNs, endNs: Math.max(last.endNs, i.endNs) }
    else out.push(i)
  }
  return out
}

/** Total length of the union of the intervals. */
export const measureIntervals = (intervals: ReadonlyArray<TimeInterval>): number => unionIntervals(intervals).reduce((sum, i) => sum + (i.endNs - i.startNs), 0)

/** Intersection of two interval sets (each may be unsorted/overlapping). */
export const intersectIntervals = (a: ReadonlyArray<TimeInterval>, b: ReadonlyArray<TimeInterval>): TimeInterval[] => {
  const ua = unionIntervals(a)
  const ub = unionIntervals(b)
  const out: TimeInterval[] = []
  let i = 0
  let j = 0
  while (i < ua.length && j < ub.length) {
    const start = Math.max(ua[i].startNs, ub[j].startNs)
    const end = Math.min(ua[i].endNs, ub[j].endNs)
    if (end > start) out.push({ startNs: start, endNs: end })
    if (ua[i].endNs < ub[j].endNs) i++
    else j++
  }
  return out
}

/** Widens every interval by `marginNs` on both sides and merges the result. */
export const expandIntervals = (intervals: ReadonlyArray<TimeInterval>, marginNs: number): TimeInterval[] =>
  unionIntervals(intervals.map(i => ({ startNs: i.startNs - marginNs, endNs: i.endNs + marginNs })))

/** A membership test over merged intervals, amortised O(1) when times arrive in non-decreasing order. */
export const createIntervalCursor = (intervals: ReadonlyArray<TimeInterval>) => {
  const merged = unionIntervals(intervals)
  let k = 0
  let previous = -Infinity
  return (timeNs: number): boolean => {
    if (timeNs < previous) k = 0
    previous = timeNs
    while (k < merged.length && merged[k].endNs < timeNs) k++
    return k < merged.length && merged[k].startNs <= timeNs
  }
}
