import { type CanFrame, makeCanFrame } from "../can/can-frame.js"

/**
 * CAN frames as columns in one buffer (for worker threads, a SharedArrayBuffer: posting one copies
 * nothing). Layout: a header of u32 [count, capacity, payload bytes, 0], then `capacity` times (f64),
 * payload ends (u32), addresses (u32), src bytes, then the payload bytes.
 */
export interface FrameColumns {
  readonly count: number
  /** logMonoTime of each frame, ns. */
  readonly times: Float64Array
  /** Frame i's payload is `data[ends[i - 1] ?? 0 … ends[i]]`. */
  readonly ends: Uint32Array
  readonly addresses: Uint32Array
  readonly srcs: Uint8Array
  readonly data: Uint8Array
}

const HEADER = 16
const layout = (buffer: ArrayBufferLike, capacity: number, dataBytes: number) => ({
  times: new Float64Array(buffer, HEADER, capacity),
  ends: new Uint32Array(buffer, HEADER + capacity * 8, capacity),
  addresses: new Uint32Array(buffer, HEADER + capacity * 12, capacity),
  srcs: new Uint8Array(buffer, HEADER + capacity * 16, capacity),
  data: new Uint8Array(buffer, HEADER + capacity * 17, dataBytes)
})

/** Writes frames into one column buffer of a fixed frame and payload capacity. */
export class FrameColumnsWriter<B extends ArrayBufferLike = ArrayBufferLike> {
  readonly buffer: B
  readonly times: Float64Array
  readonly ends: Uint32Array
  readonly addresses: Uint32Array
  readonly srcs: Uint8Array
  readonly data: Uint8Array
  private readonly header: Uint32Array
  count = 0
  dataUsed = 0

  constructor(
    readonly capacity: number,
    readonly dataCapacity: number,
    allocate: (bytes: number) => B
  ) {
    this.buffer = allocate(HEADER + capacity * 17 + dataCapacity)
    this.header = new Uint32Array(this.buffer, 0, 4)
    this.header[1] = capacity
    const columns = layout(this.buffer, capacity, dataCapacity)
    this.times = columns.times
    this.ends = columns.ends
    this.addresses = columns.addresses
    this.srcs = columns.srcs
    this.data = columns.data
  }

  /** True when another frame of `payloadBytes` fits. */
  fits(payloadBytes: number): boolean {
    return this.count < this.capacity && this.dataUsed + payloadBytes <= this.dataCapacity
  }

  /** Appends a frame whose payload is `source[from … from + length]` (the caller checked `fits`). */
  push(timeNs: number, src: number, address: number, source: Uint8Array, from: number, length: number): void {
    const i = this.count++
    this.times[i] = timeNs
    this.addresses[i] = address
    this.srcs[i] = src
    const data = this.data
    let at = this.dataUsed
    if (length <= 16) for (let j = 0; j < length; j++) data[at++] = source[from + j]!
    else {
      data.set(source.subarray(from, from + length), at)
      at += length
    }
    this.ends[i] = this.dataUsed = at
  }

  /** Drops every frame from index `count` on (a message found malformed half-way). */
  truncate(count: number): void {
    this.count = count
    this.dataUsed = count === 0 ? 0 : this.ends[count - 1]!
  }

  /** Records the count in the header and returns the buffer; the writer is not used after this. */
  finish(): B {
    this.header[0] = this.count
    this.header[2] = this.dataUsed
    return this.buffer
  }
}

/** Zero-copy column views of a finished buffer. */
export const readFrameColumns = (buffer: ArrayBufferLike): FrameColumns => {
  const [count, capacity, dataBytes] = new Uint32Array(buffer, 0, 3) as unknown as [number, number, number]
  return { count, ...layout(buffer, capacity, dataBytes) }
}

/** The frames `from` … `to` (default: all) of a column batch; payloads are views into its buffer. */
export const framesOfColumns = (c: FrameColumns, from = 0, to = c.count): Array<CanFrame> => {
  const { times, ends, addresses, srcs, data } = c
  const frames = new Array<CanFrame>(to - from)
  const buffer = data.buffer
  const base = data.byteOffset
  let at = from === 0 ? 0 : ends[from - 1]!
  for (let i = from; i < to; i++) {
    const end = ends[i]!
    frames[i - from] = makeCanFrame(times[i]!, srcs[i]!, addresses[i]!, new Uint8Array(buffer, base + at, end - at))
    at = end
  }
  return frames
}

/** Packs frames (all of them) into one column buffer. */
export const packFrames = <B extends ArrayBufferLike>(frames: ReadonlyArray<CanFrame>, allocate: (bytes: number) => B): B => {
  const writer = new FrameColumnsWriter(
    frames.length,
    frames.reduce((n, f) => n + f.data.length, 0),
    allocate
  )
  for (const f of frames) writer.push(f.timeNs, f.src, f.address, f.data, 0, f.data.length)
  return writer.finish()
}

/** The frames of a packed buffer; payloads are views into it. */
export const unpackFrames = (buffer: ArrayBufferLike): Array<CanFrame> => framesOfColumns(readFrameColumns(buffer))
