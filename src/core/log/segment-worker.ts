import { parentPort } from "node:worker_threads"
import { isKnownEventTag } from "./event-tags.js"
import { packFrames } from "./frame-pack.js"
import { resolveReadLimits } from "./log-limits.js"
import { readLog } from "./log-pipeline.js"
import { FrameSink } from "./log-sinks.js"
import { StatsCollector } from "./log-stats.js"
import { fileSource } from "./node-file-source.js"
import type { SegmentJob, SegmentReply } from "./parallel-route-protocol.js"

// Worker thread of readRouteFrames: reads one route segment per job and posts its frames in packed
// batches, waiting for credit (`ack`) so that at most `window` batches are unconsumed at a time.
const port = parentPort!
const FRAMES_PER_MESSAGE = 32768
let credit = 0
let wake: (() => void) | undefined

const post = (reply: SegmentReply) => port.postMessage(reply)

const run = async (job: SegmentJob): Promise<void> => {
  credit = job.window
  const stats = new StatsCollector(isKnownEventTag)
  const limits = resolveReadLimits(job.limits)
  const sink = new FrameSink(stats, job.includeSendcan, limits.maxCanPayloadBytes)
  try {
    let buffers: Array<SharedArrayBuffer> = []
    let frames = 0
    const flush = async () => {
      while (credit === 0) await new Promise<void>(resolve => (wake = resolve))
      credit--
      post({ type: "batch", segment: job.segment, buffers, bytesIn: stats.bytesIn })
      buffers = []
      frames = 0
    }
    try {
      for await (const batch of readLog(fileSource(job.path), stats, sink, { limits }, job.segment)) {
        // Packed as each batch comes, so the decompressed bytes the frames view can be collected.
        buffers.push(packFrames([batch], bytes => new SharedArrayBuffer(bytes)))
        frames += batch.length
        if (frames >= FRAMES_PER_MESSAGE) await flush()
      }
    } finally {
      if (frames > 0) await flush()
    }
    post({ type: "done", segment: job.segment, stats: stats.snapshot() })
  } catch (e) {
    const err = e as { _tag?: string; code?: unknown; message?: unknown; suggestedAction?: unknown; details?: unknown }
    post({
      type: "error",
      segment: job.segment,
      stats: stats.snapshot(),
      error: {
        tag: typeof err?._tag === "string" ? err._tag : null,
        code: err?.code,
        message: String(err?.message ?? e),
        suggestedAction: err?.suggestedAction,
        details: err?.details
      }
    })
  }
}

port.on("message", (msg: SegmentJob | { readonly type: "ack"; readonly n: number }) => {
  if (msg.type === "ack") {
    credit += msg.n
    wake?.()
    wake = undefined
  } else void run(msg)
})
