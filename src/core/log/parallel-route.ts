import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import type { CanFrame } from "../can/can-frame.js"
import { SystemError, ToolError, ValidationError } from "../errors.js"
import { builtEntryUrl } from "../util/built-entry-url.js"
import { isKnownEventTag } from "./event-tags.js"
import { type FrameColumns, framesOfColumns, readFrameColumns } from "./frame-pack.js"
import { logError } from "./log-errors.js"
import type { ReadOptions } from "./log-pipeline.js"
import { type LogStats, StatsCollector } from "./log-stats.js"
import type { FrameOptions } from "./open-log.js"
import type { SegmentError, SegmentJob, SegmentReply } from "./parallel-route-protocol.js"

/** Options of `readRouteFrames`. */
export interface RouteReadOptions extends ReadOptions, FrameOptions {
  /** Worker threads decoding segments (default: the machine's available parallelism, at most one per segment). */
  readonly workers?: number
  /** Messages of packed frames (about 32,768 frames each) a worker may have unconsumed before it waits (default 4). */
  readonly window?: number
}

/** The frames of a route read in parallel, and its stats (complete once iteration has finished). */
export interface RouteFrameReader {
  frames(): AsyncIterable<ReadonlyArray<CanFrame>>
  /**
   * The same frames as column batches (times, addresses, src bytes, payload bytes + ends), as the
   * workers decoded them: no frame object is built. Use either this or `frames()`, once.
   */
  columns(): AsyncIterable<FrameColumns>
  readonly stats: LogStats
}

const FRAME_BATCH = 8192

interface SegmentState {
  readonly batches: Array<{ readonly buffer: SharedArrayBuffer; readonly bytesIn: number; readonly last: boolean }>
  end?: Extract<SegmentReply, { type: "done" | "error" }>
  worker?: Worker
}

const rebuild = (e: SegmentError): Error => {
  const fields = { code: String(e.code), message: e.message, suggestedAction: e.suggestedAction as string | undefined, details: e.details }
  if (e.tag === "ToolError") return new ToolError(fields)
  if (e.tag === "ValidationError") return new ValidationError(fields)
  if (e.tag === "SystemError") return new SystemError(fields)
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code })
}

/**
 * Reads a route's segment files on worker threads (decompression and decoding on all cores) and yields
 * their CAN frames in segment order, exactly as `openLog(routeSource(paths)).frames()` does: same frames,
 * same stats and warnings (with their segment numbers), same typed error after the frames before it.
 * Memory stays bounded: each worker holds at most `window` unconsumed batches.
 */
export const readRouteFrames = (paths: ReadonlyArray<string>, options: RouteReadOptions = {}): RouteFrameReader => {
  const stats = new StatsCollector(isKnownEventTag)
  let started = false
  async function* packed(): AsyncGenerator<SharedArrayBuffer> {
    if (started) throw logError("log_already_read", "This reader has already been iterated; a log source can be read once.")
    started = true
    const states: Array<SegmentState> = paths.map(() => ({ batches: [] }))
    const idle: Array<Worker> = []
    const all: Array<Worker> = []
    let next = 0
    let wake: (() => void) | undefined
    let crash: Error | undefined
    const notify = () => {
      wake?.()
      wake = undefined
    }
    const dispatch = () => {
      while (next < paths.length && idle.length > 0) {
        const worker = idle.pop()!
        const job: SegmentJob = {
          type: "read",
          path: paths[next]!,
          segment: next,
          includeSendcan: options.includeSendcan ?? false,
          ...(options.limits !== undefined ? { limits: options.limits } : {}),
          window: options.window ?? 4
        }
        states[next++]!.worker = worker
        worker.postMessage(job)
      }
    }
    const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), paths.length))
    for (let i = 0; i < count; i++) {
      const worker = new Worker(builtEntryUrl("segment-worker.js"))
      worker.on("message", (reply: SegmentReply) => {
        const state = states[reply.segment]!
        if (reply.type === "batch")
          reply.buffers.forEach((buffer, i) => state.batches.push({ buffer, bytesIn: reply.bytesIn, last: i === reply.buffers.length - 1 }))
        else {
          state.end = reply
          idle.push(worker)
          dispatch()
        }
        notify()
      })
      worker.on("error", e => {
        crash = new SystemError({ code: "worker_failed", message: `A segment reader thread failed: ${e.message}` })
        notify()
      })
      all.push(worker)
      idle.push(worker)
    }
    try {
      dispatch()
      for (let k = 0; k < paths.length; k++) {
        const state = states[k]!
        for (;;) {
          if (options.signal?.aborted)
            throw logError("aborted", `Reading the log was aborted after ${stats.bytesIn} input bytes and ${stats.totalEvents} events`, {})
          if (crash) throw crash
          const batch = state.batches.shift()
          if (batch) {
            if (batch.last) state.worker!.postMessage({ type: "ack", n: 1 })
            options.onProgress?.(stats.bytesIn + batch.bytesIn)
            yield batch.buffer
          } else if (state.end) {
            stats.absorb(state.end.stats)
            if (state.end.type === "error") throw rebuild(state.end.error)
            break
          } else await new Promise<void>(resolve => (wake = resolve))
        }
      }
    } finally {
      await Promise.all(all.map(w => w.terminate()))
    }
  }
  return {
    async *frames() {
      for await (const buffer of packed()) {
        const columns = readFrameColumns(buffer)
        // Batches of at most FRAME_BATCH frames, as the sequential reader yields: a larger array lands in
        // the old generation and every frame stored into it slows the young-generation collections.
        for (let from = 0; from < columns.count; from += FRAME_BATCH) yield framesOfColumns(columns, from, Math.min(columns.count, from + FRAME_BATCH))
      }
    },
    async *columns() {
      for await (const buffer of packed()) yield readFrameColumns(buffer)
    },
    get stats() {
      return stats.snapshot()
    }
  }
}
