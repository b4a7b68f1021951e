/// <reference lib="webworker" />
import { CABANA_CSV_HEADER, decodeSignal, forEachChangedBit, formatCabanaRows, isCtsError, openLog, parseDbc, type CanFrame } from "cts-lite/log"
import type { LocalReply, LocalRequest, StreamCount } from "./local-protocol.js"

const post = (reply: LocalReply) => (self as unknown as Worker).postMessage(reply)
const MAX_POINTS = 4000

/** The file's bytes as a stream, reporting progress about every 4 MB (File.stream(): the file is never held whole). */
const counted = (file: File): ReadableStream<Uint8Array> => {
  let bytes = 0
  let reported = 0
  return file.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength
        if (bytes - reported >= 4 * 1024 * 1024 || bytes === file.size) {
          reported = bytes
          post({ type: "progress", bytes, total: file.size })
        }
        controller.enqueue(chunk)
      }
    })
  )
}

const frames = (file: File): AsyncIterable<ReadonlyArray<CanFrame>> => openLog(counted(file)).frames()

const analyze = async (file: File) => {
  const streams = new Map<number, { src: number; address: number; frames: number; flips: number[]; prev: Uint8Array | null }>()
  let total = 0
  let firstNs: number | null = null
  let lastNs: number | null = null
  const reader = openLog(counted(file))
  for await (const batch of reader.frames()) {
    for (const f of batch) {
      total++
      firstNs ??= f.timeNs
      lastNs = f.timeNs
      const key = f.src * 0x1_0000_0000 + f.address
      let s = streams.get(key)
      if (!s) streams.set(key, (s = { src: f.src, address: f.address, frames: 0, flips: [], prev: null }))
      s.frames++
      if (s.prev) forEachChangedBit(s.prev, f.data, g => void (s.flips[g] = (s.flips[g] ?? 0) + 1))
      s.prev = f.data.slice()
    }
  }
  const out: StreamCount[] = [...streams.values()].map(s => ({
    src: s.src,
    address: s.address,
    frames: s.frames,
    flips: Array.from({ length: Math.max(64, s.flips.length) }, (_, i) => s.flips[i] ?? 0)
  }))
  out.sort((a, b) => a.src - b.src || a.address - b.address)
  post({ type: "analyzed", frames: total, events: reader.stats.totalEvents, streams: out, firstNs, lastNs })
}

const plotSignal = async (req: Extract<LocalRequest, { type: "signal" }>) => {
  const parsed = parseDbc(req.dbcText)
  if (parsed._tag === "Left") throw parsed.left
  const message = parsed.right.messagesByName.get(req.message)
  const signal = message?.signalsByName.get(req.signal)
  if (!message || !signal) throw Object.assign(new Error(`The DBC has no signal ${req.message}.${req.signal}.`), { code: "unknown_signal" })
  let points: Array<readonly [number, number]> = []
  let stride = 1
  let seen = 0
  let t0: number | null = null
  for await (const batch of frames(req.file)) {
    for (const f of batch) {
      t0 ??= f.timeNs
      if (f.address !== message.address || (req.bus !== null && f.src !== req.bus)) continue
      if (seen++ % stride !== 0) continue
      points.push([(f.timeNs - t0) / 1e9, decodeSignal(signal, f.data)])
      if (points.length >= MAX_POINTS * 2) {
        points = points.filter((_, i) => i % 2 === 0)
        stride *= 2
      }
    }
  }
  post({ type: "signal", unit: signal.unit, points, decoded: seen })
}

const cabana = async (file: File) => {
  const parts: BlobPart[] = [CABANA_CSV_HEADER + "\n"]
  let rows = 0
  for await (const batch of frames(file)) {
    rows += batch.length
    parts.push(formatCabanaRows(batch))
  }
  post({ type: "cabana", csv: new Blob(parts, { type: "text/csv" }), rows })
}

self.onmessage = async (e: MessageEvent<LocalRequest>) => {
  try {
    if (e.data.type === "analyze") await analyze(e.data.file)
    else if (e.data.type === "signal") await plotSignal(e.data)
    else await cabana(e.data.file)
  } catch (error) {
    const err = error as { code?: string; message?: string; suggestedAction?: string }
    post({
      type: "error",
      code: err.code ?? "failed",
      message: err.message ?? String(error),
      ...(isCtsError(error) && error.suggestedAction ? { suggestedAction: error.suggestedAction } : {})
    })
  }
}
