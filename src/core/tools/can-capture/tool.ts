import { Schema } from "effect"
import type { CanFrame } from "../../can/can-frame.js"
import { CABANA_CSV_HEADER, formatCabanaRows } from "../../can/csv-format.js"
import { encodeCanBatch } from "../../log/can-event-writer.js"
import { MonitorSourceFields } from "../../monitors/monitor-params.js"
import { createPushBody } from "../../monitors/push-body.js"
import { runMonitor } from "../../monitors/run-monitor.js"
import type { ArtifactMeta } from "../../artifacts/artifact-store.js"
import { defineMonitor } from "../../monitors/define-monitor.js"
import { runToolAsync } from "../shared/run-async.js"
import { withDefault } from "../shared/param-schemas.js"

const ID = "can-capture"

const Params = Schema.Struct({
  ...MonitorSourceFields,
  format: withDefault(
    Schema.Literal("rlog", "cabana"),
    "rlog",
    "`rlog`: Cap'n Proto `can` events (one per received batch) that every analyzer reads; `cabana`: time,addr,bus,data CSV (time = seconds after the first frame)."
  ),
  segment_s: withDefault(
    Schema.Number.pipe(Schema.finite(), Schema.positive()),
    60,
    "Start a new artifact every this many seconds of CAN time, so a stopped capture keeps every finished segment."
  )
}).annotations({ identifier: "CanCaptureParams" })
type Params = typeof Params.Type

const nameOf = (format: Params["format"], index: number) => `capture-${String(index).padStart(3, "0")}.${format === "rlog" ? "rlog" : "csv"}`

/** can-capture: records live CAN to rlog (or cabana CSV) segments, streamed as artifacts. */
export const canCapture = defineMonitor({
  id: ID,
  name: "CAN capture",
  description:
    "Monitor: records the CAN of a panda, a simulated panda or a recorded log to rlog segments (Cap'n Proto `can` events that rlog-to-csv, cruise-control-analyzer and the other analyzers read) or cabana CSV, streamed to the artifact store. Frames keep their bus, +128 returned and +192 rejected src values.",
  params: Params,
  outputs: [
    { name: "capture-NNN.rlog", contentType: "application/octet-stream", description: "Segment NNN of the capture (format rlog), in order." },
    { name: "capture-NNN.csv", contentType: "text/csv", description: "Segment NNN as cabana CSV (format cabana)." }
  ],
  run: ctx =>
    runToolAsync(ID, ctx, async () => {
      const p: Params = ctx.params
      const segments: ArtifactMeta[] = []
      let current: { push: (b: Uint8Array | string) => Promise<void>; end: () => void; written: Promise<ArtifactMeta>; endNs: number } | null = null
      let t0: number | undefined
      let framesInSegment = 0
      const open = (startNs: number) => {
        const index = segments.length
        const channel = createPushBody<Uint8Array | string>()
        if (p.format === "cabana") void channel.push(CABANA_CSV_HEADER + "\n")
        const contentType = p.format === "rlog" ? "application/octet-stream" : "text/csv"
        const written = ctx.artifacts.write(nameOf(p.format, index), contentType, channel.body, { segment: index, format: p.format, first_frame_ns: startNs })
        current = { push: channel.push, end: channel.end, written, endNs: startNs + p.segment_s * 1e9 }
      }
      const close = async () => {
        if (!current) return
        const c: NonNullable<typeof current> = current
        current = null
        c.end()
        const meta = await c.written
        segments.push(meta)
        ctx.log("info", `${meta.name}: ${framesInSegment} frames, ${meta.size} bytes`)
        framesInSegment = 0
      }
      const write = async (batch: ReadonlyArray<CanFrame>) => {
        if (!current) open(batch[0].timeNs)
        await current!.push(p.format === "rlog" ? encodeCanBatch(batch) : formatCabanaRows(batch.map(f => ({ ...f, timeNs: f.timeNs - t0! }))))
        framesInSegment += batch.length
      }
      const result = await runMonitor(ctx, ID, async batch => {
        t0 ??= batch[0].timeNs
        let rest = batch
        while (rest.length > 0) {
          if (current && rest[0].timeNs >= current.endNs) await close()
          const endNs: number = current ? current.endNs : rest[0].timeNs + p.segment_s * 1e9
          const cut = rest.findIndex(f => f.timeNs >= endNs)
          const part = cut < 0 ? rest : rest.slice(0, cut)
          if (part.length > 0) await write(part)
          rest = cut < 0 ? [] : rest.slice(cut)
        }
      })
      await close()
      return result.finish({ format: p.format, segments: segments.map(s => ({ name: s.name, id: s.id, size: s.size })), frames_written: result.frames })
    })
})
