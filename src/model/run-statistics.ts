import type { RunStatus } from "./run.js"

/** Upper bounds (seconds) of the run-duration histogram; `+Inf` is implied. */
export const RUN_DURATION_BUCKETS: ReadonlyArray<number> = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

/** A cumulative histogram: `buckets[i]` counts the values `<= RUN_DURATION_BUCKETS[i]`. */
export interface DurationHistogram {
  readonly buckets: ReadonlyArray<number>
  readonly sum: number
  readonly count: number
}

/** Run counts by tool and status, and a histogram of the durations of finished runs (for metrics). */
export interface RunStatistics {
  readonly counts: ReadonlyArray<{ readonly toolId: string; readonly status: RunStatus; readonly count: number }>
  /** Seconds from start to finish of finished runs that started, by tool and final status. */
  readonly durations: ReadonlyArray<{ readonly toolId: string; readonly status: RunStatus; readonly histogram: DurationHistogram }>
}

/** Running totals of runs, kept up to date on every transition instead of recounted. */
export interface RunTally {
  /** Adds `by` (may be negative) to the count of `toolId` runs in `status`. */
  readonly add: (toolId: string, status: RunStatus, by: number) => void
  /** Records the duration of a finished run. */
  readonly observe: (toolId: string, status: RunStatus, seconds: number) => void
  /** A copy of the current figures. */
  readonly snapshot: () => RunStatistics
}

/** Creates an empty tally. */
export const createRunTally = (): RunTally => {
  const counts = new Map<string, { toolId: string; status: RunStatus; count: number }>()
  const histograms = new Map<string, { toolId: string; status: RunStatus; buckets: Array<number>; sum: number; count: number }>()
  return {
    add: (toolId, status, by) => {
      const key = `${toolId}\u0000${status}`
      const entry = counts.get(key)
      if (entry) {
        entry.count += by
        if (entry.count <= 0) counts.delete(key)
      } else if (by > 0) counts.set(key, { toolId, status, count: by })
    },
    observe: (toolId, status, seconds) => {
      const key = `${toolId}\u0000${status}`
      let h = histograms.get(key)
      if (!h) histograms.set(key, (h = { toolId, status, buckets: RUN_DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }))
      for (let i = 0; i < RUN_DURATION_BUCKETS.length; i++) if (seconds <= RUN_DURATION_BUCKETS[i]!) h.buckets[i]!++
      h.sum += seconds
      h.count++
    },
    snapshot: () => ({
      counts: [...counts.values()].map(c => ({ ...c })),
      durations: [...histograms.values()].map(({ toolId, status, buckets, sum, count }) => ({
        toolId,
        status,
        histogram: { buckets: [...buckets], sum, count }
      }))
    })
  }
}

/** Seconds between two ISO-8601 times. */
export const secondsBetween = (startIso: string, endIso: string): number => (Date.parse(endIso) - Date.parse(startIso)) / 1000
