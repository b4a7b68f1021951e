/** One stretch of consecutive samples where a boolean was true. Times in ns. */
export interface BooleanRun {
  /** Time of the first sample that was true. */
  readonly startNs: number
  /** Time of the last sample that was true. */
  readonly lastOnNs: number
  /** Time of the first false sample after the run, or null when the run lasted to the end. */
  readonly offNs: number | null
  /** Number of true samples. */
  readonly samples: number
}

/** Collects runs of a sampled boolean (frame by frame); memory is one entry per run. */
export interface BooleanRunTracker {
  readonly push: (timeNs: number, value: boolean) => void
  readonly runs: () => ReadonlyArray<BooleanRun>
  /** Samples seen. */
  readonly samples: () => number
  /** Value at `timeNs` (latest sample at or before it), undefined before the first sample. */
  readonly valueAt: (timeNs: number) => boolean | undefined
  readonly firstNs: () => number | undefined
  readonly lastNs: () => number | undefined
}

/** Creates a BooleanRunTracker. Samples must arrive in non-decreasing time order. */
export const createBooleanRunTracker = (): BooleanRunTracker => {
  const done: BooleanRun[] = []
  let open: { startNs: number; lastOnNs: number; samples: number } | null = null
  let count = 0
  let first: number | undefined
  let last: number | undefined
  const all = (): BooleanRun[] => (open ? [...done, { startNs: open.startNs, lastOnNs: open.lastOnNs, offNs: null, samples: open.samples }] : done)
  return {
    push: (t, v) => {
      count++
      if (first === undefined) first = t
      last = t
      if (v) {
        if (open) {
          open.lastOnNs = t
          open.samples++
        } else open = { startNs: t, lastOnNs: t, samples: 1 }
      } else if (open) {
        done.push({ startNs: open.startNs, lastOnNs: open.lastOnNs, offNs: t, samples: open.samples })
        open = null
      }
    },
    runs: all,
    samples: () => count,
    firstNs: () => first,
    lastNs: () => last,
    valueAt: t => {
      if (first === undefined || t < first) return undefined
      const runs = all()
      let lo = 0
      let hi = runs.length - 1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        if (runs[mid].startNs <= t) lo = mid + 1
        else hi = mid - 1
      }
      if (hi < 0) return false
      const r = runs[hi]
      return r.offNs === null ? true : t < r.offNs
    }
  }
}

/** End of a run for interval reports: the first false sample, else the last true one. */
export const runEndNs = (run: BooleanRun): number => run.offNs ?? run.lastOnNs
