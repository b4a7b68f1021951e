import { growTypedArray } from "../../util/grow-typed-array.js"

/** A growable time series of numbers (times in ns), stored in typed arrays. */
export interface SampleSeries {
  readonly push: (timeNs: number, value: number) => void
  readonly length: () => number
  readonly timeNs: () => Float64Array
  readonly values: () => Float64Array
  /** Value of the latest sample at or before `timeNs`, or undefined before the first sample. */
  readonly valueAt: (timeNs: number) => number | undefined
}

/** Creates an empty SampleSeries. Samples must arrive in non-decreasing time order. */
export const createSampleSeries = (initialCapacity = 1024): SampleSeries => {
  let cap = Math.max(16, initialCapacity)
  let n = 0
  let t = new Float64Array(cap)
  let v = new Float64Array(cap)
  return {
    push: (time, value) => {
      if (n === cap) {
        cap *= 2
        t = growTypedArray(t, cap)
        v = growTypedArray(v, cap)
      }
      t[n] = time
      v[n] = value
      n++
    },
    length: () => n,
    timeNs: () => t.subarray(0, n),
    values: () => v.subarray(0, n),
    valueAt: time => {
      let lo = 0
      let hi = n - 1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        if (t[mid] <= time) lo = mid + 1
        else hi = mid - 1
      }
      return hi < 0 ? undefined : v[hi]
    }
  }
}

/** A closed time interval in ns. */
export interface TimeInterval {
  readonly startNs: number
  readonly endNs: number
}

/**
 * Intervals where the series stays within [min, max], the old EventDetector rule: an interval
 * starts at the first sample inside and ends at the first sample outside (or the last sample).
 */
export const intervalsWithin = (series: SampleSeries, min: number, max: number): TimeInterval[] => {
  const t = series.timeNs()
  const v = series.values()
  const out: TimeInterval[] = []
  let start: number | null = null
  for (let i = 0; i < t.length; i++) {
    const inside = v[i] >= min && v[i] <= max
    if (inside && start === null) start = t[i]
    else if (!inside && start !== null) {
      out.push({ startNs: start, endNs: t[i] })
      start = null
    }
  }
  if (start !== null && t.length > 0) out.push({ startNs: start, endNs: t[t.length - 1] })
  return out
}
