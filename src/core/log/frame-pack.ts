import { type CanFrame, makeCanFrame } from "../can/can-frame.js"

/**
 * Batches of CAN frames in one buffer (for worker threads, a SharedArrayBuffer: posting one copies
 * nothing, where transferring an ArrayBuffer costs about as much as copying it): count, then times
 * (f64), payload ends (u32), addresses (u32), src bytes, payload bytes.
 */
export const packFrames = <B extends ArrayBufferLike>(batches: ReadonlyArray<ReadonlyArray<CanFrame>>, allocate: (bytes: number) => B): B => {
  let n = 0
  let dataBytes = 0
  for (const frames of batches) {
    n += frames.length
    for (const f of frames) dataBytes += f.data.length
  }
  const buffer = allocate(8 + n * 17 + dataBytes)
  new Uint32Array(buffer, 0, 1)[0] = n
  const times = new Float64Array(buffer, 8, n)
  const ends = new Uint32Array(buffer, 8 + n * 8, n)
  const addresses = new Uint32Array(buffer, 8 + n * 12, n)
  const srcs = new Uint8Array(buffer, 8 + n * 16, n)
  const data = new Uint8Array(buffer, 8 + n * 17, dataBytes)
  let at = 0
  let i = 0
  for (const frames of batches)
    for (const f of frames) {
      times[i] = f.timeNs
      addresses[i] = f.address
      srcs[i] = f.src
      const d = f.data
      if (d.length <= 16) for (let j = 0; j < d.length; j++) data[at + j] = d[j]!
      else data.set(d, at)
      at += d.length
      ends[i++] = at
    }
  return buffer
}

/** The frames of a packed batch; payloads are views into `buffer`. */
export const unpackFrames = (buffer: ArrayBufferLike): Array<CanFrame> => {
  const n = new Uint32Array(buffer, 0, 1)[0]!
  const times = new Float64Array(buffer, 8, n)
  const ends = new Uint32Array(buffer, 8 + n * 8, n)
  const addresses = new Uint32Array(buffer, 8 + n * 12, n)
  const srcs = new Uint8Array(buffer, 8 + n * 16, n)
  const dataStart = 8 + n * 17
  const frames = new Array<CanFrame>(n)
  let at = 0
  for (let i = 0; i < n; i++) {
    const end = ends[i]!
    frames[i] = makeCanFrame(times[i]!, srcs[i]!, addresses[i]!, new Uint8Array(buffer, dataStart + at, end - at))
    at = end
  }
  return frames
}
