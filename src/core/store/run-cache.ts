import { Effect } from "effect"
import { isTerminalStatus, type RunRecord } from "../../model/run.js"
import type { RunPatch } from "./run-store.js"

/** Runs kept in memory by default (least recently read ones are dropped first). */
export const DEFAULT_RUN_CACHE_SIZE = 10_000

/**
 * An in-memory copy of run records, kept coherent by the store's writes:
 * - runs inserted by this process are cached while live and patched on every update;
 * - runs read from the database are cached only when terminal (nobody changes them any more) or
 *   when this process inserted them; a live run of another process is always read afresh;
 * - a write to a run while a read of it is in flight keeps that read from caching a stale copy;
 * - adding or removing an artifact drops the run's entry (the next read lists its artifact ids again).
 */
export interface RunCache {
  readonly get: (id: string) => RunRecord | undefined
  /** A run this process just inserted. */
  readonly inserted: (run: RunRecord) => void
  /** Applies an update to the cached copy (if any). */
  readonly patched: (id: string, patch: RunPatch) => void
  /** Drops the entry (its artifact list changed). */
  readonly invalidate: (id: string) => void
  /** Reads `id` through `load`, caching the result when it is safe to. */
  readonly readThrough: <E>(id: string, load: Effect.Effect<RunRecord | null, E>) => Effect.Effect<RunRecord | null, E>
  readonly size: () => number
}

/** Creates a cache holding at most `capacity` runs (live runs of this process are never dropped). */
export const createRunCache = (capacity = DEFAULT_RUN_CACHE_SIZE): RunCache => {
  const entries = new Map<string, RunRecord>()
  const localLive = new Set<string>()
  const inflight = new Map<string, { readers: number; dirty: boolean }>()

  const touch = (id: string) => {
    const f = inflight.get(id)
    if (f) f.dirty = true
  }
  const put = (run: RunRecord) => {
    entries.delete(run.id)
    entries.set(run.id, run)
    if (entries.size <= capacity) return
    for (const id of entries.keys()) {
      if (entries.size <= capacity) break
      if (!localLive.has(id)) entries.delete(id)
    }
  }

  return {
    get: id => {
      const run = entries.get(id)
      if (run !== undefined && !localLive.has(id)) {
        entries.delete(id)
        entries.set(id, run)
      }
      return run
    },
    inserted: run => {
      touch(run.id)
      if (!isTerminalStatus(run.status)) localLive.add(run.id)
      put(run)
    },
    patched: (id, patch) => {
      touch(id)
      if (patch.status !== undefined && isTerminalStatus(patch.status)) localLive.delete(id)
      const run = entries.get(id)
      if (run !== undefined) entries.set(id, { ...run, ...patch })
    },
    invalidate: id => {
      touch(id)
      entries.delete(id)
    },
    readThrough: (id, load) =>
      Effect.suspend(() => {
        let f = inflight.get(id)
        if (!f) inflight.set(id, (f = { readers: 0, dirty: false }))
        const flight = f
        flight.readers++
        return load.pipe(
          Effect.tap(run => {
            if (run !== null && !flight.dirty && (isTerminalStatus(run.status) || localLive.has(id))) put(run)
          }),
          Effect.ensuring(
            Effect.sync(() => {
              if (--flight.readers === 0) inflight.delete(id)
            })
          )
        )
      }),
    size: () => entries.size
  }
}
