import { parentPort } from "node:worker_threads"
import { isKnownEventTag } from "./event-tags.js"
import { resolveReadLimits } from "./log-limits.js"
import { StatsCollector } from "./log-stats.js"
import { fileSource } from "./node-file-source.js"
import { PackedFrameSink, readColumnBatches } from "./packed-frame-sink.js"
import type { SegmentJob, SegmentReply } from "./parallel-route-protocol.js"

// Worker thread of readRouteFrames: reads one route segment per job and posts its frames in packed
// column batches, waiting for credit (`ack`) so that at most `window` batches are unconsumed at a time.
const port = parentPort!
const FRAMES_PER_MESSAGE = 32768
let credit = 0
let wake: (() => void) | undefined

const post = (reply: SegmentReply) => port.postMessage(reply)

const run = async (job: SegmentJob): Promise<void> => {
  credit = job.window
  const stats = new StatsCollector(isKnownEventTag)
  const limits = resolveReadLimits(job.limits)
  // Frames go straight into shared column buffers of FRAMES_PER_MESSAGE frames: no frame objects here.
  const sink = new PackedFrameSink(stats, job.includeSendcan, limits.maxCanPayloadBytes, FRAMES_PER_MESSAGE)
  const send = async (buffer: SharedArrayBuffer) => {
    while (credit === 0) await new Promise<void>(resolve => (wake = resolve))
    credit--
    post({ type: "batch", segment: job.segment, buffers: [buffer], bytesIn: stats.bytesIn })
  }
  try {
    for await (const buffer of readColumnBatches(fileSource(job.path), stats, sink, { limits }, job.segment)) await send(buffer)
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
