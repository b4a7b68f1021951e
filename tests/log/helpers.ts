import type { CanFrame } from "../../src/core/can/can-frame.js"
import type { ReadOptions } from "../../src/core/log/log-pipeline.js"
import type { LogSource } from "../../src/core/log/log-source.js"
import { type LogReader, openLog } from "../../src/core/log/open-log.js"

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase())
export const toHex = (d: Uint8Array) => {
  let s = ""
  for (let i = 0; i < d.length; i++) s += HEX[d[i]]
  return s
}

/** A frame as an oracle row: `mono_time_ns,bus,address,data_hex` (bus = raw src). */
export const frameRow = (f: CanFrame) => `${f.timeNs},${f.src},0x${f.address.toString(16).toUpperCase()},${toHex(f.data)}`

/** Feeds `bytes` in chunks whose sizes come from `sizes` (cycled). */
export async function* chunked(bytes: Uint8Array, sizes: ReadonlyArray<number> | number): AsyncGenerator<Uint8Array> {
  const list = typeof sizes === "number" ? [sizes] : sizes
  let k = 0
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, list[k++ % list.length])
    yield bytes.subarray(i, i + n)
    i += n
  }
}

/** Deterministic pseudo-random chunk sizes in [1, max]. */
export const randomSizes = (seed: number, count: number, max: number): Array<number> => {
  let x = seed >>> 0 || 1
  return Array.from({ length: count }, () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return ((x >>> 0) % max) + 1
  })
}

export interface FramesResult {
  readonly rows: Array<string>
  readonly reader: LogReader
  readonly error: unknown
}

/** Reads all frames as oracle rows, capturing a thrown error instead of failing. */
export const readFrameRows = async (source: LogSource, includeSendcan = false, options: ReadOptions = {}): Promise<FramesResult> => {
  const reader = openLog(source, options)
  const rows: Array<string> = []
  let error: unknown
  try {
    for await (const batch of reader.frames({ includeSendcan })) for (const f of batch) rows.push(frameRow(f))
  } catch (e) {
    error = e
  }
  return { rows, reader, error }
}

/** Index of the first differing row, or -1 when `rows` equals `expected` exactly. */
export const firstDifference = (rows: ReadonlyArray<string>, expected: ReadonlyArray<string>): number => {
  const n = Math.min(rows.length, expected.length)
  for (let i = 0; i < n; i++) if (rows[i] !== expected[i]) return i
  return rows.length === expected.length ? -1 : n
}
